package io.ulidmesh.rollout.config;

import io.ulidmesh.common.auth.ClientConfig;
import io.ulidmesh.common.auth.ClientTls;
import io.ulidmesh.common.auth.ClientToken;
import io.ulidmesh.rollout.api.AlertmanagerClient;
import io.ulidmesh.rollout.api.FlagServiceClient;
import io.ulidmesh.rollout.api.WebhookClient;
import io.ulidmesh.rollout.domain.NotificationSender;
import io.ulidmesh.rollout.domain.Notifier;
import io.ulidmesh.rollout.domain.plan.NotificationSpec;
import io.ulidmesh.rollout.domain.port.OutboxStore;
import java.time.Duration;
import io.ulidmesh.rollout.api.HealthClient;
import io.ulidmesh.rollout.api.MigrationWorkerClient;
import io.ulidmesh.rollout.api.PeerChannels;
import io.ulidmesh.rollout.api.PrometheusClient;
import io.ulidmesh.rollout.domain.DeploymentHealth;
import io.ulidmesh.rollout.domain.EngineThread;
import io.ulidmesh.rollout.domain.EventFeed;
import io.ulidmesh.rollout.domain.EventWakeups;
import io.ulidmesh.rollout.domain.FlagWriter;
import io.ulidmesh.rollout.domain.MigrationDriver;
import io.ulidmesh.rollout.domain.OperatorActions;
import io.ulidmesh.rollout.domain.OperatorQueue;
import io.ulidmesh.rollout.domain.Plans;
import io.ulidmesh.rollout.domain.Preview;
import io.ulidmesh.rollout.domain.Readiness;
import io.ulidmesh.rollout.domain.RollbackRunner;
import io.ulidmesh.rollout.domain.RolloutDriver;
import io.ulidmesh.rollout.domain.RolloutLog;
import io.ulidmesh.rollout.domain.RolloutQueries;
import io.ulidmesh.rollout.domain.SignalMonitor;
import io.ulidmesh.rollout.domain.plan.SignalAllowlist;
import io.ulidmesh.rollout.domain.port.AlertPort;
import io.ulidmesh.rollout.domain.port.FlagPort;
import io.ulidmesh.rollout.domain.port.HealthPort;
import io.ulidmesh.rollout.domain.port.Leadership;
import io.ulidmesh.rollout.domain.port.MetricsPort;
import io.ulidmesh.rollout.domain.port.MigrationPort;
import io.ulidmesh.rollout.domain.port.RolloutStore;
import io.ulidmesh.rollout.domain.port.SignalSourcePort;
import io.ulidmesh.rollout.store.AdvisoryLockLeadership;
import io.ulidmesh.rollout.store.EventListener;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import io.netty.handler.ssl.SslContext;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Builds the peers' clients from the settings, and the domain's rollout logic from them and the store. */
@Singleton
public class RolloutBeans {

    @Produces
    @Singleton
    PeerChannels peerChannels(RolloutConfig config, ClientConfig client) {
        return new PeerChannels(config.peerTimeout(), client.tokenFile().map(ClientToken::new),
                Set.copyOf(List.of(config.flagService(), config.migrationWorker())), peerTls(client));
    }

    /** TLS to peers trusting {@code ulidmesh.client.tls-ca}, presenting a client certificate when one is set. */
    static Optional<SslContext> peerTls(ClientConfig client) {
        return ClientTls.of(client);
    }

    void closePeerChannels(@Disposes PeerChannels channels) {
        channels.close();
    }

    @Produces
    @Singleton
    FlagPort flagService(PeerChannels channels, RolloutConfig config) {
        return new FlagServiceClient(channels, config.flagService());
    }

    @Produces
    @Singleton
    MigrationPort migrationWorker(PeerChannels channels, RolloutConfig config) {
        return new MigrationWorkerClient(channels, config.migrationWorker());
    }

    @Produces
    @Singleton
    HealthPort health(PeerChannels channels) {
        return new HealthClient(channels);
    }

    @Produces
    @Singleton
    SignalSourcePort prometheus(RolloutConfig config) {
        return new PrometheusClient(config.prometheusUrl(), config.peerTimeout());
    }

    @Produces
    @Singleton
    AdvisoryLockLeadership leadership(RolloutConfig config) {
        RolloutConfig.LockConnection c = config.lockConnection();
        return new AdvisoryLockLeadership(c.jdbcUrl(), c.username().orElse(""), c.password().orElse(""), config.lockKey());
    }

    @Produces
    @Singleton
    EventWakeups eventWakeups() {
        return new EventWakeups();
    }

    @Produces
    @Singleton
    EventFeed eventFeed(RolloutQueries queries, EventWakeups wakeups) {
        return new EventFeed(queries, wakeups, 4);
    }

    /** Listens on the leadership lock's database settings: a connection of its own, outside the pool. */
    @Produces
    @Singleton
    EventListener eventListener(RolloutConfig config, EventWakeups wakeups) {
        RolloutConfig.LockConnection c = config.lockConnection();
        return new EventListener(c.jdbcUrl(), c.username().orElse(""), c.password().orElse(""), wakeups);
    }

    @Produces
    @Singleton
    Plans plans() {
        return new Plans();
    }

    @Produces
    @Singleton
    EngineThread engineThread() {
        return new EngineThread();
    }

    @Produces
    @Singleton
    RolloutLog log(RolloutStore store, MetricsPort metrics) {
        return new RolloutLog(store, metrics);
    }

    /** Built at startup: a bad entry (or a prometheus-url that is not http(s)) stops the service, naming the setting. */
    @Produces
    @Singleton
    SignalAllowlist signalAllowlist(RolloutConfig config) {
        return new SignalAllowlist(config.prometheusUrl(), config.allowedSignalUrls(), config.allowedHealthTargets(),
                config.allowedWebhookUrls().orElse(List.of()));
    }

    @Produces
    @Singleton
    SignalMonitor signals(SignalSourcePort prometheus, HealthPort health, SignalAllowlist allowlist, RolloutStore store, RolloutLog log,
                          MetricsPort metrics) {
        return new SignalMonitor(prometheus, health, allowlist, store, log, metrics);
    }

    @Produces
    @Singleton
    RolloutDriver driver(RolloutStore store, RolloutLog log, Plans plans, Leadership leadership, FlagPort flags,
                         MigrationPort worker, SignalMonitor signals, MetricsPort metrics) {
        FlagWriter flagWriter = new FlagWriter(flags, store, log);
        MigrationDriver migrations = new MigrationDriver(worker, store, log);
        RollbackRunner rollback = new RollbackRunner(store, log, plans, flagWriter, migrations, signals, metrics);
        return new RolloutDriver(store, log, plans, leadership, flagWriter, migrations, signals, rollback);
    }

    @Produces
    @Singleton
    OperatorActions actions(RolloutStore store, RolloutLog log, Plans plans, Leadership leadership, SignalMonitor signals,
                            RolloutDriver driver, MetricsPort metrics) {
        return new OperatorActions(store, log, plans, leadership, signals, driver, metrics);
    }

    @Produces
    @Singleton
    OperatorQueue operatorQueue(OperatorActions actions, EngineThread engine) {
        return new OperatorQueue(actions, engine);
    }

    @Produces
    @Singleton
    RolloutQueries queries(RolloutStore store, Plans plans) {
        return new RolloutQueries(store, plans);
    }

    @Produces
    @Singleton
    AlertPort alertmanager(RolloutConfig config) {
        return new AlertmanagerClient(config.alertmanagerUrl().orElse(""), config.peerTimeout());
    }

    @Produces
    @Singleton
    DeploymentHealth deploymentHealth(RolloutStore store, Plans plans, FlagPort flags, SignalMonitor signals, AlertPort alerts) {
        return new DeploymentHealth(store, plans, flags, signals, alerts);
    }

    /** Built at startup: a bad default webhook, event or format stops the service, naming the setting. */
    @Produces
    @Singleton
    NotificationSender notifications(OutboxStore outbox, RolloutStore store, Plans plans, SignalAllowlist allowlist,
                                     Leadership leadership, MetricsPort metrics, EventWakeups wakeups, RolloutConfig config) {
        RolloutConfig.Notifications n = config.notifications();
        List<NotificationSpec> defaults = NotificationDefaults.of(n.defaultWebhooks().orElse(List.of()),
                n.defaultEvents().orElse(NotificationSpec.EVENTS), n.defaultFormat(), n.defaultSecretEnv().orElse(""));
        Notifier notifier = new Notifier(outbox, store, plans, defaults, allowlist, new WebhookClient(config.peerTimeout()),
                System::getenv, metrics, n.firstRetry(), n.maxRetry());
        NotificationSender sender = new NotificationSender(notifier, leadership, Duration.ofMillis(250));
        wakeups.onAny(sender::wake);
        return sender;
    }

    @Produces
    @Singleton
    Readiness readiness(FlagPort flags, MigrationPort worker, HealthPort health, SignalMonitor signals, RolloutConfig config) {
        return new Readiness(flags, worker, health, signals, config.flagService(), config.migrationWorker());
    }

    @Produces
    @Singleton
    Preview preview(FlagPort flags, MigrationPort worker, SignalMonitor signals, Readiness readiness) {
        return new Preview(flags, worker, signals, readiness);
    }
}
