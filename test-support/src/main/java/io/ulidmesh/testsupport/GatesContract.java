package io.ulidmesh.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.ulidmesh.common.auth.Role;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The gates ahead of every handler, the same for every service. Identity and roles (docs/architecture.md, "Identity and roles"): each
 * role against each RPC, and missing, expired, forged and wrong-issuer tokens against each RPC.
 * Refusals come before any handler runs, so a default (empty) request serves every method; an
 * admitted call may then fail for its content, never for identity.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class GatesContract {
    private static final List<Status.Code> IDENTITY_CODES = List.of(Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED);
    private ManagedChannel channel;

    /** The gRPC services the app serves under auth. */
    protected abstract List<ServiceDescriptor> services();

    /** The role each RPC needs, by method name, as the table says. */
    protected abstract Map<String, Role> expectedRoles();

    @BeforeAll
    void connect() {
        channel = TestChannels.withoutToken(TestChannels.quarkusTestPort());
    }

    @AfterAll
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    void everyRpcHasARoleInTheTable() {
        List<String> methods = methods().stream().map(MethodDescriptor::getBareMethodName).toList();
        assertThat(expectedRoles().keySet()).containsExactlyInAnyOrderElementsOf(methods);
    }

    @TestFactory
    Stream<DynamicTest> eachRoleAgainstEachRpc() {
        List<DynamicTest> tests = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : methods()) {
            Role needed = expectedRoles().get(method.getBareMethodName());
            for (Role role : Role.values()) {
                tests.add(DynamicTest.dynamicTest(role.groupName() + " -> " + method.getBareMethodName(), () -> {
                    Status status = call(method, TestTokens.token("auth-" + role.groupName(), role.groupName()));
                    if (role.includes(needed)) {
                        assertThat(status.getCode()).as("%s as %s: %s", method.getFullMethodName(), role, status)
                                .isNotIn(IDENTITY_CODES);
                    } else {
                        assertThat(status.getCode()).as("%s as %s", method.getFullMethodName(), role)
                                .isEqualTo(Status.Code.PERMISSION_DENIED);
                        assertThat(status.getDescription()).contains("needs role " + needed.groupName())
                                .contains("'auth-" + role.groupName() + "' has role " + role.groupName());
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> badTokensAreUnauthenticatedEverywhere() {
        Map<String, String> bad = Map.of(
                "no token", "",
                "expired", TestTokens.expired("mallory", "admin"),
                "forged", TestTokens.forged("mallory", "admin"),
                "wrong issuer", TestTokens.wrongIssuer("mallory", "admin"),
                "not a JWT", "not-a-jwt");
        List<DynamicTest> tests = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : methods()) {
            bad.forEach((what, token) -> tests.add(DynamicTest.dynamicTest(what + " -> " + method.getBareMethodName(), () -> {
                Status status = call(method, token);
                assertThat(status.getCode()).as("%s with %s: %s", method.getFullMethodName(), what, status)
                        .isEqualTo(Status.Code.UNAUTHENTICATED);
            })));
        }
        return tests.stream();
    }

    /** StrictParsing: invalid UTF-8 in a request's first string field is INVALID_ARGUMENT naming it, for every RPC that has one. */
    @TestFactory
    Stream<DynamicTest> invalidUtf8IsInvalidArgumentNamingTheField() {
        List<DynamicTest> tests = new ArrayList<>();
        for (MethodDescriptor<?, ?> method : methods()) {
            Descriptor request = requestType(method);
            request.getFields().stream().filter(f -> f.getType() == FieldDescriptor.Type.STRING && !f.isRepeated())
                    .findFirst().ifPresent(field -> tests.add(DynamicTest.dynamicTest(method.getBareMethodName() + "." + field.getName(),
                            () -> {
                                byte[] bad = {(byte) ((field.getNumber() << 3) | 2), 2, (byte) 0xc3, (byte) 0x28};
                                Status status = callRaw(channel, method, TestTokens.admin(), bad);
                                assertThat(status.getCode()).as("%s: %s", method.getFullMethodName(), status)
                                        .isEqualTo(Status.Code.INVALID_ARGUMENT);
                                assertThat(status.getDescription()).isEqualTo(field.getName() + ": is not valid UTF-8");
                            })));
        }
        return tests.stream();
    }

    @Test
    void healthAndReflectionNeedNoTokenAndIgnoreABadOne() throws Exception {
        assertThat(ServiceBasics.health(channel)).isEqualTo(ServingStatus.SERVING);
        assertThat(ServiceBasics.reflectedServices(channel)).contains("grpc.health.v1.Health");
        Channel forged = TestChannels.withToken(channel, TestTokens.forged("probe", "viewer"));
        assertThat(ServiceBasics.health(forged)).isEqualTo(ServingStatus.SERVING);
    }

    private List<MethodDescriptor<?, ?>> methods() {
        return services().stream().flatMap(s -> s.getMethods().stream()).toList();
    }

    /** Calls {@code method} with its default request and {@code token} (none when empty); returns how it closed. */
    protected Status call(MethodDescriptor<?, ?> method, String token) {
        return callWith(channel, method, token);
    }

    private static <ReqT, RespT> Status callWith(Channel channel, MethodDescriptor<ReqT, RespT> method, String token) {
        return send(channel, method, token, defaultRequest(method));
    }

    /** Sends {@code body} as the request bytes of {@code method}, whatever they hold. */
    private static Status callRaw(Channel channel, MethodDescriptor<?, ?> method, String token, byte[] body) {
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
        return send(channel, method.toBuilder(raw, raw).build(), token, body);
    }

    private static Descriptor requestType(MethodDescriptor<?, ?> method) {
        return ((Message) defaultRequest(method)).getDescriptorForType();
    }

    private static <ReqT, RespT> Status send(Channel channel, MethodDescriptor<ReqT, RespT> method, String token, ReqT request) {
        Channel target = token.isEmpty() ? channel : TestChannels.withToken(channel, token);
        ClientCall<ReqT, RespT> call = target.newCall(method, CallOptions.DEFAULT.withDeadlineAfter(
                // An admitted stream stays open until its deadline; a refusal comes at once either way.
                method.getType().serverSendsOneMessage() ? 5000 : 700, TimeUnit.MILLISECONDS));
        CompletableFuture<Status> closed = new CompletableFuture<>();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(RespT message) {
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                closed.complete(status);
            }
        }, new Metadata());
        call.request(1);
        call.sendMessage(request);
        call.halfClose();
        try {
            return closed.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            call.cancel("test gave up", e);
            throw new AssertionError("no answer from " + method.getFullMethodName(), e);
        }
    }

    private static <ReqT> ReqT defaultRequest(MethodDescriptor<ReqT, ?> method) {
        MethodDescriptor.Marshaller<ReqT> marshaller = method.getRequestMarshaller();
        return marshaller.parse(new ByteArrayInputStream(new byte[0]));
    }
}
