package dev.opspipeline.bench.flinkpeer;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.types.Row;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decodes market.candles values in the Confluent wire format (magic byte 0, 4-byte
 * big-endian schema id, Avro binary) into rows of lane_telemetry's columns.
 *
 * <p>Flink's own format for this, flink-avro-confluent-registry, depends on Confluent's
 * kafka-schema-registry-client, which is published only in Confluent's Maven repository
 * (not reachable here). So this fetches the writer schema by id from the registry's
 * Confluent-compatible {@code /schemas/ids/{id}} endpoint (Apicurio serves it), caches it
 * per id, and reads records with plain org.apache.avro.
 */
public final class ConfluentAvroCandleDecoder implements DeserializationSchema<Row> {
    private static final long serialVersionUID = 1L;

    /** lane_telemetry's columns as the job carries them (ts as UTC wall-clock time). */
    public static final String[] FIELDS = {"ticker", "ts", "open", "high", "low", "close", "volume"};

    /** When the first record was decoded, for the timing line (the mini-cluster runs in this JVM). */
    static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong();
    static final AtomicLong LAST_RECORD_NANOS = new AtomicLong();
    static final AtomicLong RECORDS = new AtomicLong();

    private final String registryUrl;
    private transient Map<Integer, GenericDatumReader<GenericRecord>> readers;
    private transient HttpClient http;
    private transient BinaryDecoder decoder;
    private transient GenericRecord reuse;

    public ConfluentAvroCandleDecoder(String registryUrl) {
        this.registryUrl = registryUrl.replaceAll("/+$", "");
    }

    @Override
    public void open(InitializationContext context) {
        readers = new HashMap<>();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Override
    public Row deserialize(byte[] message) throws IOException {
        if (message == null) return null; // tombstone: no row
        ByteBuffer buf = ByteBuffer.wrap(message);
        if (message.length < 5 || buf.get() != 0) {
            throw new IOException("not in the Confluent wire format (magic byte 0 expected)");
        }
        int schemaId = buf.getInt();
        GenericDatumReader<GenericRecord> reader = readers.get(schemaId);
        if (reader == null) {
            reader = new GenericDatumReader<>(fetchSchema(schemaId));
            readers.put(schemaId, reader);
        }
        decoder = DecoderFactory.get().binaryDecoder(message, 5, message.length - 5, decoder);
        GenericRecord c = reader.read(reuse, decoder);
        reuse = c;
        long now = System.nanoTime();
        FIRST_RECORD_NANOS.compareAndSet(0, now);
        LAST_RECORD_NANOS.accumulateAndGet(now, Math::max);
        RECORDS.incrementAndGet();
        Object volume = c.get("volume");
        return Row.of(
                c.get("ticker").toString(),
                // timestamp-millis read generically is a long; lane_telemetry.ts is timestamptz,
                // written as a UTC wall-clock TIMESTAMP (the JVM runs with user.timezone=UTC).
                LocalDateTime.ofEpochSecond(Math.floorDiv((long) c.get("ts"), 1000L),
                        (int) Math.floorMod((long) c.get("ts"), 1000L) * 1_000_000, ZoneOffset.UTC),
                (Double) c.get("open"),
                (Double) c.get("high"),
                (Double) c.get("low"),
                (Double) c.get("close"),
                volume == null ? null : (Long) volume);
    }

    private Schema fetchSchema(int id) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id))
                .timeout(Duration.ofSeconds(10))
                .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
                .GET().build();
        try {
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IOException("registry answered " + res.statusCode() + " for schema id " + id + ": " + res.body());
            }
            String schema = new ObjectMapper().readTree(res.body()).get("schema").asText();
            return new Schema.Parser().parse(schema);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted fetching schema id " + id, e);
        }
    }

    @Override
    public boolean isEndOfStream(Row next) {
        return false; // the source is bounded by offsets, not by a record
    }

    @Override
    public TypeInformation<Row> getProducedType() {
        return Types.ROW_NAMED(FIELDS, Types.STRING, Types.LOCAL_DATE_TIME, Types.DOUBLE, Types.DOUBLE,
                Types.DOUBLE, Types.DOUBLE, Types.LONG);
    }
}
