package io.ulidmesh.flags.api.ofrep;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/**
 * Runs {@link OfrepGuard} ahead of every OFREP handler and counts every OFREP answer. Filters are
 * built when the application is set up, before run-time settings exist, hence the guard bean.
 */
@Provider
@OfrepGated
@Priority(Priorities.AUTHENTICATION)
public class OfrepGate implements ContainerRequestFilter, ContainerResponseFilter {
    private final OfrepGuard guard;

    OfrepGate(OfrepGuard guard) {
        this.guard = guard;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        guard.check(request);
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        guard.answered(response.getStatus());
    }
}
