package io.ulidmesh.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.Collection;

/**
 * The json output: messages in protobuf's canonical JSON mapping (lowerCamelCase field names, enum
 * names, RFC 3339 timestamps, 64-bit integers as strings) with every field present, as grpcurl
 * prints them; results that are not one message are objects of such messages.
 */
final class Json {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
    private static final Gson COMPACT = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    static JsonElement of(MessageOrBuilder message) {
        try {
            return JsonParser.parseString(PRINTER.print(message));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static JsonArray array(Collection<? extends MessageOrBuilder> messages) {
        JsonArray array = new JsonArray();
        messages.forEach(m -> array.add(of(m)));
        return array;
    }

    static JsonObject object() {
        return new JsonObject();
    }

    /** Pretty-printed, for one result. */
    static void print(PrintWriter out, JsonElement json) {
        out.println(PRETTY.toJson(json));
        out.flush();
    }

    static void print(PrintWriter out, MessageOrBuilder message) {
        print(out, of(message));
    }

    /** One line, for streams (one JSON object per line). */
    static void line(PrintWriter out, JsonElement json) {
        out.println(COMPACT.toJson(json));
        out.flush();
    }
}
