package io.ulidmesh.bench.core;

import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Plaintext channel builders for the benchmarks. Services run with auth on, so every call carries the
 * bearer token in the file {@code ULIDMESH_TOKEN_FILE} names (e.g. {@code .mesh/secrets/admin.jwt});
 * without it calls go untokened, for services started with {@code ULIDMESH_AUTH=off}.
 */
public final class BenchChannels {
    private BenchChannels() {
    }

    public static NettyChannelBuilder plaintext(String host, int port) {
        return withToken(NettyChannelBuilder.forAddress(host, port).usePlaintext(), System.getenv("ULIDMESH_TOKEN_FILE"));
    }

    public static NettyChannelBuilder plaintext(String target) {
        return withToken(NettyChannelBuilder.forTarget(target).usePlaintext(), System.getenv("ULIDMESH_TOKEN_FILE"));
    }

    /** {@code builder} sending the token in {@code tokenFile}; none when {@code tokenFile} is null or empty. */
    public static NettyChannelBuilder withToken(NettyChannelBuilder builder, String tokenFile) {
        if (tokenFile == null || tokenFile.isBlank()) {
            return builder;
        }
        try {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + Files.readString(Path.of(tokenFile)).strip());
            return builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + tokenFile, e);
        }
    }
}
