package io.signalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code source <(signalbox generate-completion)}: the script, loaded by a real bash, completes subcommands and choices. */
class CompletionTest {
    /** The words bash would offer for {@code line} (the last word is the one being completed). */
    private static String complete(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String program = "source " + script + " 2>/dev/null\n"
                + "COMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                + "_complete_signalbox 2>/dev/null; echo \"${COMPREPLY[*]}\"\n";
        Process bash = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", program).redirectErrorStream(true).start();
        bash.getOutputStream().close();
        if (!bash.waitFor(30, TimeUnit.SECONDS)) {
            bash.destroyForcibly();
            throw new AssertionError("bash did not finish in 30 s");
        }
        return new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void theGeneratedScriptCompletesCommandsVerbsAndChoices(@TempDir Path directory) throws Exception {
        CliRun run = new CliRun();
        assertEquals(0, run.run("generate-completion"), run.err.toString());
        Path script = Files.writeString(directory.resolve("signalbox.bash"), run.out.toString());

        assertEquals("service server", complete(script, "signalbox ctl ser"));
        assertEquals("drain", complete(script, "./signalbox ctl server dr"));
        assertEquals("http tcp", complete(script, "signalbox ctl service put web --mode "));
        assertEquals("ready drain maint", complete(script, "signalbox ctl server add web w --state "));
        assertEquals("haproxy", complete(script, "signalbox bench hap"));
    }

    @Test
    void generateCompletionIsHiddenFromTheCommandList() {
        CliRun run = new CliRun();
        assertEquals(0, run.run("--help"));
        assertEquals(false, run.out.toString().contains("generate-completion  "), run.out.toString());
    }
}
