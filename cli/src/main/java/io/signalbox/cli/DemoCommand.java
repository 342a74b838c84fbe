package io.signalbox.cli;

import io.signalbox.testkit.DemoCluster;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code signalbox demo}: a 3-node cluster in this process on its embedded defaults, with a
 * small sample configuration, the status page address and a few commands to try
 * ({@link DemoCluster}); {@code --tls} puts TLS on every port. Ctrl-C stops it; a temporary
 * data directory is removed then.
 */
@CommandLine.Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Starts a local 3-node cluster on embedded defaults, loads a sample configuration and waits for Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", description = "data directory to keep (default: a temporary one, removed at exit)")
    Path directory;

    @Option(names = "--base-port", defaultValue = "7000", description = "node i: base+i peers, base+100+i clients, base+200+i admin")
    int basePort;

    @Option(names = "--tls", description = "TLS on every port, client certificates required; development certificates made in DIR/certs")
    boolean tls;

    @Option(names = "--exit", description = "stop right after loading the sample (for scripted checks)")
    boolean exit;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        DemoCluster demo = DemoCluster.start(directory, basePort, tls);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "signalbox-demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        demo.printIntro(out);
        out.println();
        out.println(exit ? "Stopping (--exit)." : "Ctrl-C stops the cluster.");
        out.flush();
        if (exit) {
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
            return 0;
        }
        stopped.await();
        return 0;
    }
}
