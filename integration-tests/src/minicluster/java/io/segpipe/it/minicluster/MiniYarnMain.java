package io.segpipe.it.minicluster;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * Runs YARN on 127.0.0.1 until the process is stopped: Hadoop's {@link MiniYARNCluster} with one
 * ResourceManager and {@code N} NodeManagers, over an HDFS that already runs elsewhere. Started by
 * the integration tests' {@code MiniYarn} fixture in a JVM of its own, on the hadoop-minicluster
 * class path (unshaded Hadoop cannot share a class path with Spark's shaded client).
 *
 * <p>Usage: {@code MiniYarnMain DIR NODE_MANAGERS NM_MEMORY_MB DEFAULT_FS}. When every NodeManager
 * has registered it writes the client configuration a submission needs to {@code DIR/conf}
 * ({@code yarn-site.xml} with the ResourceManager's addresses, {@code core-site.xml} with the
 * default file system; point {@code HADOOP_CONF_DIR} there) and then {@code DIR/ready.properties}
 * with the addresses and the NodeManagers' log folders.
 */
public final class MiniYarnMain {
    /** ResourceManager addresses a client and an ApplicationMaster use. */
    private static final List<String> CLIENT_KEYS = List.of(
            YarnConfiguration.RM_ADDRESS, YarnConfiguration.RM_SCHEDULER_ADDRESS,
            YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS, YarnConfiguration.RM_ADMIN_ADDRESS,
            YarnConfiguration.RM_WEBAPP_ADDRESS);

    private MiniYarnMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: MiniYarnMain DIR NODE_MANAGERS NM_MEMORY_MB DEFAULT_FS");
        }
        Path dir = Path.of(args[0]).toAbsolutePath();
        int nodeManagers = Integer.parseInt(args[1]);
        int nodeManagerMemoryMb = Integer.parseInt(args[2]);
        MiniYARNCluster yarn = new MiniYARNCluster("segpipe-yarn", 1, nodeManagers, 1, 1);
        yarn.init(configuration(nodeManagerMemoryMb, args[3]));
        yarn.start();
        Runtime.getRuntime().addShutdownHook(new Thread(yarn::stop, "mini-yarn-stop"));
        if (!yarn.waitForNodeManagersToConnect(60_000)) {
            throw new IllegalStateException(nodeManagers + " NodeManagers did not register within 60 s");
        }
        Configuration live = yarn.getConfig();
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Configuration site = new Configuration(false);
        for (String key : CLIENT_KEYS) {
            site.set(key, live.get(key));
        }
        writeXml(site, conf.resolve("yarn-site.xml"));
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", live.get("fs.defaultFS"));
        writeXml(core, conf.resolve("core-site.xml"));

        Properties ready = new Properties();
        for (String key : CLIENT_KEYS) {
            ready.setProperty(key, live.get(key));
        }
        ready.setProperty("nodeManagers", Integer.toString(nodeManagers));
        for (int i = 0; i < nodeManagers; i++) {
            Configuration nm = yarn.getNodeManager(i).getConfig();
            ready.setProperty("nm." + i + ".logDirs", nm.get(YarnConfiguration.NM_LOG_DIRS));
        }
        // written whole, then renamed: the fixture polls for this file
        Path tmp = dir.resolve("ready.properties.tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            ready.store(out, "MiniYARNCluster");
        }
        Files.move(tmp, dir.resolve("ready.properties"), StandardCopyOption.ATOMIC_MOVE);
        new CountDownLatch(1).await();
    }

    private static Configuration configuration(int nodeManagerMemoryMb, String defaultFs) {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", defaultFs);
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nodeManagerMemoryMb);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, nodeManagerMemoryMb);
        // The CapacityScheduler gives ApplicationMasters 10% of the cluster by default: less than one
        // Spark driver container here, which would leave every application waiting in ACCEPTED.
        conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 1.0f);
        // Containers are killed above their physical memory, as on a real cluster (the mini cluster
        // does not monitor them unless asked): that checks deploy/submit.sh's container sizing.
        conf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_CONTROL_RESOURCE_MONITORING, true);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        // Virtual memory says nothing about memory use: a Java 17 JVM reserves gigabytes of address
        // space (heap, class space, code cache, malloc arenas) it never touches, and YARN's default
        // limit of 2.1x the container's memory kills healthy Spark containers.
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // The disk health check marks a NodeManager unusable when its disk is over 90% full: a
        // property of the shared build machine, not of what is tested.
        conf.setBoolean(YarnConfiguration.NM_DISK_HEALTH_CHECK_ENABLE, false);
        return conf;
    }

    private static void writeXml(Configuration conf, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            conf.writeXml(out);
        }
    }
}
