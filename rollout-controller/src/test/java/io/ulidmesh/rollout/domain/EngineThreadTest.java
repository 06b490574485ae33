package io.ulidmesh.rollout.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One thread runs every change: submitted work in order, and the tick in between. */
class EngineThreadTest {
    final EngineThread engine = new EngineThread();

    @AfterEach
    void stop() {
        engine.stop();
    }

    @Test
    void submittedWorkRunsInOrderOnTheEngineThread() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            results.add(engine.submit(() -> {
                seen.add(n + " on " + Thread.currentThread().getName());
                return n;
            }));
        }
        assertThat(results.get(4).get(5, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(seen).containsExactly("0 on rollout-engine", "1 on rollout-engine", "2 on rollout-engine",
                "3 on rollout-engine", "4 on rollout-engine");
    }

    @Test
    void aFailureCompletesItsFutureAndTheThreadGoesOn() throws Exception {
        CompletableFuture<Object> failed = engine.submit(() -> {
            throw DomainException.invalid("bad");
        });
        assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DomainException.class).hasMessage("bad");
        assertThat(engine.submit(() -> "next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
    }

    @Test
    void theTickRunsOnTheEngineThreadUntilStopped() throws Exception {
        CountDownLatch ticks = new CountDownLatch(3);
        List<String> threads = new CopyOnWriteArrayList<>();
        engine.start(Duration.ofMillis(5), () -> {
            threads.add(Thread.currentThread().getName());
            ticks.countDown();
        });
        assertThat(ticks.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).containsOnly("rollout-engine");
    }
}
