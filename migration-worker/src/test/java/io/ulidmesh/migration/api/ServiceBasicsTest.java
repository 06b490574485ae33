package io.ulidmesh.migration.api;

import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.testsupport.ServiceBasicsContract;

@QuarkusTest
class ServiceBasicsTest extends ServiceBasicsContract {
    @Override
    protected String grpcServiceName() {
        return "ulidmesh.migration.v1.MigrationService";
    }
}
