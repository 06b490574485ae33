package io.ulidmesh.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ulidmesh completion bash}: the shell completion script, generated from the commands themselves. */
@Command(name = "completion", description = {"Prints the shell completion script (bash; zsh loads it through bashcompinit):",
    "  source <(ulidmesh completion bash)", "  source <(./mesh completion bash)"})
final class Completion implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash or zsh (default bash)")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new ParameterException(spec.commandLine(), "completion is generated for bash and zsh, not '" + shell + "'");
        }
        spec.commandLine().getOut().print(AutoComplete.bash("ulidmesh", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
