package io.ulidmesh.resolution.api;

import static io.restassured.RestAssured.given;

import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.ulidmesh.proto.resolution.v1.GenerateRequest;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.RegisterRequest;
import io.ulidmesh.proto.resolution.v1.RegisterStreamResponse;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.testsupport.TestChannels;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A real gRPC client to the test app, and helpers; each test uses its own system names (the database is shared). */
abstract class ResolutionTestBase {
    private static final AtomicInteger SYSTEMS = new AtomicInteger();

    ManagedChannel channel;
    ResolutionServiceGrpc.ResolutionServiceBlockingStub stub;
    ResolutionServiceGrpc.ResolutionServiceStub async;

    @BeforeEach
    void connect() {
        channel = TestChannels.toQuarkusTestApp();
        stub = ResolutionServiceGrpc.newBlockingStub(channel);
        async = ResolutionServiceGrpc.newStub(channel);
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    /** A system name no other test uses. */
    static String uniqueSystem(String prefix) {
        return prefix + "-" + System.nanoTime() % 1_000_000_000L + "-" + SYSTEMS.incrementAndGet();
    }

    List<String> generate(int count) {
        return stub.generate(GenerateRequest.newBuilder().setCount(count).build()).getUlidsList();
    }

    Reference register(String ulid, String system, String reference, String... related) {
        return stub.register(item(ulid, system, reference, related));
    }

    static RegisterRequest item(String ulid, String system, String reference, String... related) {
        return RegisterRequest.newBuilder().setUlid(ulid).setSystem(system).setReferenceType("job")
                .setReference(reference).addAllRelatedUlids(List.of(related)).build();
    }

    /** Streams {@code items} through RegisterStream and waits for the response. */
    static RegisterStreamResponse registerStream(ResolutionServiceGrpc.ResolutionServiceStub async,
                                                 List<RegisterRequest> items) {
        CompletableFuture<RegisterStreamResponse> done = new CompletableFuture<>();
        StreamObserver<RegisterRequest> requests = async.registerStream(new StreamObserver<>() {
            @Override
            public void onNext(RegisterStreamResponse value) {
                done.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        });
        items.forEach(requests::onNext);
        requests.onCompleted();
        return done.join();
    }

    /** The service's Prometheus exposition. */
    static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of the exposition line that starts with {@code series} (tags in Micrometer's order). */
    static double value(String metrics, String series) {
        String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
        String tags = series.contains("{") ? series.substring(series.indexOf('{') + 1, series.length() - 1) : "";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? ([0-9.Ee+-]+)$").matcher(metrics);
        while (m.find()) {
            if (m.group(1) == null ? tags.isEmpty() : m.group(1).contains(tags)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError(series + " not found in\n" + metrics.lines().filter(l -> l.contains("ulidmesh"))
                .reduce("", (a, b) -> a + b + "\n"));
    }
}
