package io.ulidmesh.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.StringValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real gRPC server and client over loopback; the client sends raw bytes a well-behaved client never would. */
class StrictParsingTest {
    private final AtomicInteger handled = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("test.Echo")
                .addMethod(method("test.Echo/Text", StringValue.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall((StringValue request, io.grpc.stub.StreamObserver<StringValue> out) -> {
                            handled.incrementAndGet();
                            out.onNext(request);
                            out.onCompleted();
                        }))
                .addMethod(method("test.Echo/Struct", Struct.getDefaultInstance()),
                        ServerCalls.asyncUnaryCall((Struct request, io.grpc.stub.StreamObserver<Struct> out) -> {
                            handled.incrementAndGet();
                            out.onNext(request);
                            out.onCompleted();
                        }))
                .build();
        server = NettyServerBuilder.forPort(0).addService(StrictParsing.of(echo)).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void aValidRequestReachesTheHandler() {
        byte[] reply = call("test.Echo/Text", StringValue.of("héllo").toByteArray());
        assertThat(reply).isEqualTo(StringValue.of("héllo").toByteArray());
        assertThat(handled).hasValue(1);
    }

    @Test
    void invalidUtf8IsInvalidArgumentNamingTheFieldAndNeverReachesTheHandler() {
        Status status = refused("test.Echo/Text", new byte[] {0x0a, 0x02, (byte) 0xc3, (byte) 0x28});
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("value: is not valid UTF-8");
        assertThat(handled).hasValue(0);
    }

    @Test
    void invalidUtf8InANestedMapValueIsNamedByItsPath() {
        byte[] good = Struct.newBuilder().putFields("k", Value.newBuilder().setStringValue("AB").build()).build().toByteArray();
        byte[] bad = good.clone();
        // Struct{fields: {k: Value{string_value: "AB"}}}: corrupt the last two bytes, the string's content.
        bad[bad.length - 2] = (byte) 0xff;
        bad[bad.length - 1] = (byte) 0xfe;
        Status status = refused("test.Echo/Struct", bad);
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("fields.value.string_value: is not valid UTF-8");
        assertThat(handled).hasValue(0);
    }

    @Test
    void bytesThatAreNoProtobufAtAllAreInvalidArgument() {
        Status status = refused("test.Echo/Text", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo("the request is not a valid protobuf message");
        assertThat(handled).hasValue(0);
    }

    private static <T extends com.google.protobuf.Message> MethodDescriptor<T, T> method(String name, T prototype) {
        return MethodDescriptor.<T, T>newBuilder().setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(name)
                .setRequestMarshaller(ProtoUtils.marshaller(prototype)).setResponseMarshaller(ProtoUtils.marshaller(prototype))
                .build();
    }

    private Status refused(String method, byte[] body) {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> call(method, body));
        assertThat(e).as("expected a refusal").isNotNull();
        return e.getStatus();
    }

    private byte[] call(String method, byte[] body) {
        MethodDescriptor.Marshaller<byte[]> raw = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(byte[] value) {
                return new ByteArrayInputStream(value);
            }

            @Override
            public byte[] parse(InputStream stream) {
                try {
                    return stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        MethodDescriptor<byte[], byte[]> descriptor = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
                .setRequestMarshaller(raw).setResponseMarshaller(raw).build();
        return ClientCalls.blockingUnaryCall(channel, descriptor, CallOptions.DEFAULT, body);
    }
}
