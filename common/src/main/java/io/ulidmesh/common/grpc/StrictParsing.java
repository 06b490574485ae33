package io.ulidmesh.common.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Requests that protobuf cannot parse (invalid UTF-8 in a string field, a truncated message) are
 * INVALID_ARGUMENT naming the field, not the transport's INTERNAL "Half-closed without a request".
 * The parse error never reaches a handler: the request marshaller answers a marked default
 * message instead, and the call is closed before the service sees it. Each {@code @GrpcService}
 * returns {@code StrictParsing.of(super.bindService())}.
 */
public final class StrictParsing {
    /** An unknown field no client of ours sends; it carries the problem from the parser to the handler. */
    private static final int PROBLEM_FIELD = 536_870_911;

    private StrictParsing() {
    }

    public static ServerServiceDefinition of(ServerServiceDefinition definition) {
        ServiceDescriptor original = definition.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : definition.getMethods()) {
            methods.add(strict(method));
        }
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static <ReqT, RespT> ServerMethodDefinition<ReqT, RespT> strict(ServerMethodDefinition<ReqT, RespT> method) {
        MethodDescriptor<ReqT, RespT> original = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<ReqT> parser = original.getRequestMarshaller();
        MethodDescriptor.Marshaller<ReqT> marked = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(ReqT value) {
                return parser.stream(value);
            }

            @Override
            public ReqT parse(InputStream stream) {
                // gRPC's message streams support mark/reset, so the good path parses without a copy.
                InputStream in = stream.markSupported() ? stream : new ByteArrayInputStream(readAll(stream));
                in.mark(Integer.MAX_VALUE);
                try {
                    return parser.parse(in);
                } catch (RuntimeException e) {
                    return markedDefault(parser, rewound(in));
                }
            }
        };
        return ServerMethodDefinition.create(original.toBuilder().setRequestMarshaller(marked).build(),
                refusingMarked(method.getServerCallHandler()));
    }

    @SuppressWarnings("unchecked")
    private static <ReqT> ReqT markedDefault(MethodDescriptor.Marshaller<ReqT> parser, byte[] bytes) {
        Message empty = (Message) parser.parse(new ByteArrayInputStream(new byte[0]));
        String problem = problemIn(empty.getDescriptorForType(), bytes, "");
        UnknownFieldSet mark = UnknownFieldSet.newBuilder().addField(PROBLEM_FIELD, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8(problem)).build()).build();
        return (ReqT) empty.toBuilder().setUnknownFields(mark).build();
    }

    private static <ReqT, RespT> ServerCallHandler<ReqT, RespT> refusingMarked(ServerCallHandler<ReqT, RespT> handler) {
        return (call, headers) -> {
            ServerCall.Listener<ReqT> delegate = handler.startCall(call, headers);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
                private boolean refused;

                @Override
                public void onMessage(ReqT message) {
                    if (refused) {
                        return;
                    }
                    String problem = problemOf(message);
                    if (problem == null) {
                        super.onMessage(message);
                        return;
                    }
                    refused = true;
                    call.close(Status.INVALID_ARGUMENT.withDescription(problem), new Metadata());
                }

                @Override
                public void onHalfClose() {
                    if (!refused) {
                        super.onHalfClose();
                    }
                }
            };
        };
    }

    private static String problemOf(Object message) {
        if (message instanceof Message m) {
            UnknownFieldSet.Field field = m.getUnknownFields().getField(PROBLEM_FIELD);
            if (field != null && !field.getLengthDelimitedList().isEmpty()) {
                return field.getLengthDelimitedList().get(0).toStringUtf8();
            }
        }
        return null;
    }

    /** Walks the raw fields against the schema and names the first one protobuf refuses. */
    private static String problemIn(Descriptor type, byte[] bytes, String prefix) {
        UnknownFieldSet raw;
        try {
            raw = UnknownFieldSet.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return prefix.isEmpty() ? "the request is not a valid protobuf message" : prefix + "is not a valid protobuf message";
        }
        for (var entry : raw.asMap().entrySet()) {
            FieldDescriptor field = type.findFieldByNumber(entry.getKey());
            if (field == null) {
                continue;
            }
            for (ByteString value : entry.getValue().getLengthDelimitedList()) {
                if (field.getType() == FieldDescriptor.Type.STRING && !value.isValidUtf8()) {
                    return prefix + field.getName() + ": is not valid UTF-8";
                }
                if (field.getType() == FieldDescriptor.Type.MESSAGE) {
                    String nested = problemIn(field.getMessageType(), value.toByteArray(), prefix + field.getName() + ".");
                    if (nested != null) {
                        return nested;
                    }
                }
            }
        }
        return prefix.isEmpty() ? "the request is not a valid protobuf message" : null;
    }

    private static byte[] rewound(InputStream in) {
        try {
            in.reset();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readAll(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
