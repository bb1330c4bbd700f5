package io.segpipe.prep.fs;

import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;

/**
 * Ships a Hadoop {@link Configuration} (credentials, S3A/HDFS settings) to executors, which need
 * it to open input files. Configuration is Writable but not Serializable.
 */
public final class SerializableHadoopConf implements Serializable {

    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    public SerializableHadoopConf(Configuration conf) {
        this.conf = conf;
    }

    public Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        // false: do not load core-default.xml etc. again, the written properties are complete.
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
