package io.integration.worker.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The worker's own logback.xml, as production and the embedded stack run it. */
class LogFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> log(String format, String requestId, String message) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        context.putProperty("LOG_FORMAT", format);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
            context.getMDCAdapter().put("requestId", requestId);
            context.getLogger("io.integration.worker.execution.RequestExecutor").warn(message);
        } finally {
            System.setOut(out);
            context.stop();
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonLinesCarryTheRequestAndExternalTextCannotForgeALine() throws Exception {
        List<String> lines = log("json", "req-7", "upstream said: ok\r\n{\"level\":\"ERROR\",\"message\":\"forged\"}");

        assertThat(lines).hasSize(1);
        JsonNode line = JSON.readTree(lines.getFirst());
        assertThat(line.path("level").asText()).isEqualTo("WARN");
        assertThat(line.path("mdc").path("requestId").asText()).isEqualTo("req-7");
        assertThat(line.path("formattedMessage").asText()).startsWith("upstream said: ok\r\n");
    }

    @Test
    void textLinesAreForPeopleAndStillOneLineEach() throws Exception {
        List<String> lines = log("text", "req-8", "upstream said: ok\r\nERROR forged line");

        assertThat(lines).singleElement().satisfies(line -> assertThat(line).contains("[req-8]").contains("ok | ERROR forged line"));
    }
}
