package io.ulidmesh.rollout.domain;

import io.ulidmesh.rollout.domain.port.HealthPort;
import io.ulidmesh.rollout.domain.port.PeerFailure;
import io.ulidmesh.rollout.domain.port.PeerHealth;
import io.ulidmesh.rollout.domain.port.SignalSourcePort;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Prometheus and grpc.health.v1 in memory: a value per query, a health per address; absent ones do not answer. */
final class FakeSignals implements SignalSourcePort, HealthPort {
    final Map<String, OptionalDouble> queries = new HashMap<>();
    final Map<String, PeerHealth> health = new HashMap<>();
    /** Every request that reached a source: "url promql" or the health address. */
    final List<String> asked = new ArrayList<>();

    @Override
    public synchronized OptionalDouble query(String url, String promql) {
        asked.add(url + " " + promql);
        OptionalDouble v = queries.get(promql);
        if (v == null) {
            throw new PeerFailure("Prometheus at " + url + " did not answer", true, null);
        }
        return v;
    }

    /** Queries asked at a given time (baselines): "promql @ instant". */
    final List<String> askedAt = new ArrayList<>();

    @Override
    public synchronized OptionalDouble query(String url, String promql, Instant at) {
        askedAt.add(promql + " @ " + at);
        return query(url, promql);
    }

    @Override
    public synchronized PeerHealth check(String address, String service) {
        asked.add(address);
        PeerHealth h = health.get(address);
        if (h == null) {
            throw new PeerFailure("health check of " + address + " failed: UNAVAILABLE", true, null);
        }
        return h;
    }
}
