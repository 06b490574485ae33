package io.ulidmesh.resolution.store;

import java.sql.SQLException;

/** A database failure; GrpcErrorMapping sees the SQLException cause and answers UNAVAILABLE or INTERNAL. */
final class StoreFailure extends RuntimeException {
    StoreFailure(SQLException cause) {
        super(cause.getMessage(), cause);
    }
}
