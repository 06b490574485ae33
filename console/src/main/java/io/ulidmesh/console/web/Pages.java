package io.ulidmesh.console.web;

import io.ulidmesh.console.client.MeshClients;
import io.ulidmesh.console.metrics.ConsoleMetrics;
import jakarta.inject.Inject;

/** What every page resource uses: sessions, the services, the meters. */
abstract class Pages {
    @Inject
    Web web;
    @Inject
    MeshClients clients;
    @Inject
    ConsoleMetrics metrics;
}
