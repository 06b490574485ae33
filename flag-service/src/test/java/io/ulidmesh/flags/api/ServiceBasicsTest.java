package io.ulidmesh.flags.api;

import io.quarkus.test.junit.QuarkusTest;
import io.ulidmesh.testsupport.ServiceBasicsContract;

@QuarkusTest
class ServiceBasicsTest extends ServiceBasicsContract {
    @Override
    protected String grpcServiceName() {
        return "ulidmesh.flags.v1.FlagService";
    }
}
