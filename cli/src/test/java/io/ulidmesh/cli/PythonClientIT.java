package io.ulidmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.ManagedChannel;
import io.ulidmesh.proto.resolution.v1.Reference;
import io.ulidmesh.proto.resolution.v1.ResolutionServiceGrpc;
import io.ulidmesh.proto.resolution.v1.ResolveRequest;
import io.ulidmesh.testsupport.TestChannels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The contracts serve more than Java: a Python client made from stubs that Debian's protoc and gRPC
 * Python plugin generate from proto/, run by Debian's python3 with python3-grpcio (.ci/run installs
 * them), registers, resolves and traces Crackerjack's jobs against the real resolution-service.
 */
class PythonClientIT {
    private static final Path PROTO = Path.of("..", "proto", "src", "main", "proto").toAbsolutePath().normalize();
    private static final Path SCRIPT = Path.of("src", "test", "python", "crackerjack_client.py").toAbsolutePath();

    /** Debian's interpreter, where its python3-grpcio lives; else whatever python3 is on the PATH. */
    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    record Result(int code, String out) {
    }

    static Result exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s did not end", command).isTrue();
        return new Result(p.exitValue(), out);
    }

    @Test
    void aPythonClientRegistersResolvesAndTracesLikeCrackerjack() throws Exception {
        TestMesh mesh = TestMesh.get();
        Path stubs = Files.createDirectories(Path.of("target", "python-stubs").toAbsolutePath());
        Result protoc = exec(List.of("protoc", "-I", PROTO.toString(), "--python_out=" + stubs, "--grpc_out=" + stubs,
                "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin", "ulidmesh/resolution/v1/resolution.proto"));
        assertThat(protoc.code()).as("protoc (apt-get install protobuf-compiler-grpc): %s", protoc.out()).isZero();
        assertThat(stubs.resolve("ulidmesh/resolution/v1/resolution_pb2_grpc.py")).exists();

        Path token = mesh.tokenFile("crackerjack", "service");
        List<String> command = new ArrayList<>(List.of(python(), SCRIPT.toString(), "--address", mesh.resolution.address(),
                "--token-file", token.toString(), "--stubs", stubs.toString()));
        Result run = exec(command);
        assertThat(run.code()).as("python client (apt-get install python3-grpcio python3-protobuf): %s", run.out()).isZero();

        JsonObject summary = JsonParser.parseString(run.out().strip().lines().reduce((a, b) -> b).orElseThrow()).getAsJsonObject();
        assertThat(summary.get("registered_by").getAsString()).isEqualTo("crackerjack");
        assertThat(summary.get("traced").getAsInt()).isEqualTo(3);
        List<String> jobs = summary.getAsJsonArray("jobs").asList().stream().map(JsonElement::getAsString).toList();
        assertThat(jobs).hasSize(3);

        // What Python registered, Java reads back: the same contract on both sides.
        ManagedChannel channel = TestChannels.to(mesh.resolution.port());
        try {
            Reference job = ResolutionServiceGrpc.newBlockingStub(channel).resolve(ResolveRequest.newBuilder().setUlid(jobs.get(2)).build());
            assertThat(job.getSystem()).isEqualTo("crackerjack");
            assertThat(job.getMetadataMap()).containsEntry("test_file", "tests/test_cli.py");
            assertThat(job.getRegisteredBy()).isEqualTo("crackerjack");
        } finally {
            channel.shutdownNow();
        }
        // And the CLI traces it too.
        Cli.Run trace = new Cli(mesh.environment("viewer"), Cli.emptyDirectory()).run("ulid", "trace", jobs.get(0), "--depth", "2");
        assertThat(trace.out()).contains("3 related within 2 hops").contains(summary.get("run").getAsString());
    }
}
