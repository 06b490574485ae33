package io.ulidmesh.flags.api.ofrep;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Binds {@link OfrepGate} (identity, rate limit) to the OFREP endpoints only, never to /q/health or /q/metrics. */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface OfrepGated {
}
