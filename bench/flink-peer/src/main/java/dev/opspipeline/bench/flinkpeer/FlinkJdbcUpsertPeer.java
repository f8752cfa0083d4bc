package dev.opspipeline.bench.flinkpeer;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.types.Row;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The sink benchmark's peer: market.candles -> lane_telemetry the way a Flink user would
 * write it. A bounded KafkaSource (earliest to the offsets that are latest at start, so the
 * job ends at the end of the topic) feeds the Table API JDBC connector; the sink table
 * declares lane_telemetry's PRIMARY KEY, so the connector runs in upsert mode and its
 * Postgres dialect writes batches of INSERT … ON CONFLICT (ticker, ts) DO UPDATE.
 *
 * <p>Runs in a local mini-cluster inside this JVM. Prints one line at the end:
 * {@code FLINK_PEER records=… seconds=… startup_seconds=…}; seconds runs from the first
 * record decoded to the job's end (the sink flushes its last batch when its input ends),
 * startup_seconds from JVM start to that first record (JVM, planner, mini-cluster, deploy),
 * read_seconds from the first record decoded to the last (the rest is the last flushes).
 *
 * <p>Arguments (--name value): bootstrap, registry, topic, jdbc-url, username, password (or env
 * FLINK_PEER_DB_PASSWORD), parallelism (2), checkpoint-interval-ms (10000), flush-max-rows
 * (5000), flush-interval (1s).
 */
public final class FlinkJdbcUpsertPeer {

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = parseArgs(argv);
        String envPassword = System.getenv("FLINK_PEER_DB_PASSWORD");
        if (envPassword != null && !envPassword.isEmpty()) args.putIfAbsent("password", envPassword);
        String bootstrap = required(args, "bootstrap");
        String registry = required(args, "registry");
        String topic = required(args, "topic");
        String jdbcUrl = required(args, "jdbc-url");
        int parallelism = Integer.parseInt(args.getOrDefault("parallelism", "2"));
        long checkpointMs = Long.parseLong(args.getOrDefault("checkpoint-interval-ms", "10000"));
        String flushRows = args.getOrDefault("flush-max-rows", "5000");
        String flushInterval = args.getOrDefault("flush-interval", "1s");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        // The JDBC sink (non-XA) is at-least-once: it flushes its buffer on every checkpoint,
        // and the upsert makes a replay after a failure harmless.
        env.enableCheckpointing(checkpointMs, CheckpointingMode.AT_LEAST_ONCE);

        KafkaSource<Row> source = KafkaSource.<Row>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topic)
                .setGroupId("flink-peer-" + UUID.randomUUID())
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new ConfluentAvroCandleDecoder(registry))
                .build();
        DataStream<Row> candles = env.fromSource(source, WatermarkStrategy.noWatermarks(), "market.candles");

        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        tEnv.createTemporaryView("candles", candles);
        tEnv.executeSql(String.join("\n",
                "CREATE TABLE lane_telemetry (",
                "  ticker STRING, ts TIMESTAMP(3), `open` DOUBLE, high DOUBLE, low DOUBLE, `close` DOUBLE, volume BIGINT,",
                "  PRIMARY KEY (ticker, ts) NOT ENFORCED",
                ") WITH (",
                "  'connector' = 'jdbc',",
                "  'url' = '" + sqlString(jdbcUrl) + "',",
                "  'table-name' = 'lane_telemetry',",
                args.containsKey("username") ? "  'username' = '" + sqlString(args.get("username")) + "'," : "",
                args.containsKey("password") ? "  'password' = '" + sqlString(args.get("password")) + "'," : "",
                // The documented tuning for bulk loads: the default is 100 rows per batch.
                "  'sink.buffer-flush.max-rows' = '" + sqlString(flushRows) + "',",
                "  'sink.buffer-flush.interval' = '" + sqlString(flushInterval) + "'",
                ")"));

        long submitted = System.nanoTime();
        TableResult result = tEnv.executeSql(
                "INSERT INTO lane_telemetry SELECT ticker, CAST(ts AS TIMESTAMP(3)), `open`, high, low, `close`, volume FROM candles");
        result.await();
        long finished = System.nanoTime();

        long first = ConfluentAvroCandleDecoder.FIRST_RECORD_NANOS.get();
        boolean sawFirst = first != 0;
        if (!sawFirst) first = submitted; // empty topic (or a decoder in another class loader)
        double jvmUptimeAtFinish = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        double seconds = (finished - first) / 1e9;
        double startup = jvmUptimeAtFinish - seconds;
        double read = sawFirst ? (ConfluentAvroCandleDecoder.LAST_RECORD_NANOS.get() - first) / 1e9 : 0;
        System.out.println(String.format(Locale.ROOT,
                "FLINK_PEER records=%d seconds=%.3f startup_seconds=%.3f read_seconds=%.3f parallelism=%d flush_max_rows=%s checkpoint_interval_ms=%d first_record_seen=%b",
                ConfluentAvroCandleDecoder.RECORDS.get(), seconds, startup, read, parallelism, flushRows, checkpointMs, sawFirst));
    }

    private static Map<String, String> parseArgs(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                throw new IllegalArgumentException("expected --name value, got " + argv[i]);
            }
            m.put(argv[i].substring(2), argv[++i]);
        }
        return m;
    }

    private static String required(Map<String, String> args, String name) {
        String v = args.get(name);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException("missing --" + name);
        return v;
    }

    /** A value inside a Flink SQL string literal. */
    private static String sqlString(String s) {
        return s.replace("'", "''");
    }
}
