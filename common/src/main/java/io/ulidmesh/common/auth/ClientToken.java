package io.ulidmesh.common.auth;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * The bearer token a service sends when it calls another, read from {@code ULIDMESH_CLIENT_TOKEN_FILE}
 * ({@code ulidmesh.client.token-file}). The file is read again when it changes, so a rotated token
 * (a Kubernetes Secret update) takes effect without a restart.
 */
public final class ClientToken implements ClientInterceptor {
    private final Path file;
    private volatile FileTime readAt;
    private volatile String token;

    public ClientToken(Path file) {
        this.file = file;
        refresh();
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
            MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
        String current = refresh();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<RespT> listener, Metadata headers) {
                headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + current);
                super.start(listener, headers);
            }
        };
    }

    private String refresh() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(readAt)) {
                token = Files.readString(file).strip();
                readAt = modified;
            }
            return token;
        } catch (IOException e) {
            if (token != null) {
                return token;
            }
            throw new UncheckedIOException("cannot read the client token file " + file, e);
        }
    }
}
