package io.segpipe.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.segpipe.it.fixture.ItEnv;
import io.segpipe.it.fixture.ManagedProcess;
import io.segpipe.prep.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code bin/segpipe ui --stats FILE} as a user runs it (the application jar), its data asked for
 * over HTTP and its overview page loaded in headless Chromium (Debian's package) until the page's
 * scripts have drawn it.
 *
 * <p>Without Chromium the browser part is skipped with a note, unless {@value #REQUIRE} is set
 * ({@code .ci/run} sets it after installing Chromium): then a missing browser fails the test.
 */
final class TrainingUiInBrowser {
    static final String REQUIRE = "SEGPIPE_REQUIRE_BROWSER";
    private static final Pattern URL = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/train/overview)$");
    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    private TrainingUiInBrowser() {
    }

    /**
     * Starts the UI over {@code statsFile}, asks its data endpoint over HTTP/1.1 as the page does,
     * then loads the overview page in Chromium and checks what it drew: the model's parameter count,
     * parameter updates and a score chart with a line over more than one iteration.
     *
     * @param parameters the trained network's parameter count, computed independently
     * @param dir        logs, the rendered page and the browser profile
     */
    static void check(Path statsFile, long parameters, Path dir) throws Exception {
        Files.createDirectories(dir);
        try (ManagedProcess ui = ManagedProcess.start("segpipe ui",
                List.of(ItEnv.home().resolve("bin/segpipe").toString(), "ui", "--stats", statsFile.toString(),
                        "--port", "0"), Map.of(), dir, dir.resolve("ui.log"))) {
            String url = ui.awaitLog(URL, Duration.ofMinutes(2)).group(1);
            JsonNode data = Json.mapper().readTree(get(url + "/data"));
            assertTrue(data.path("scoresIter").size() > 1, "score points served: " + data);
            data.path("scores").forEach(score -> assertTrue(Double.isFinite(score.asDouble()), "score " + score));
            assertTrue(data.path("model").toString().contains("[\"Total Parameters\",\"" + parameters + "\"]"),
                    "the model's parameter count " + parameters + " in " + data.path("model"));

            Optional<Path> browser = browser();
            if (browser.isEmpty()) {
                System.err.println("TrainingUiInBrowser: no Chromium (apt-get install -y chromium): the page was not "
                        + "loaded in a browser; set " + REQUIRE + "=1 to make that a failure");
                return;
            }
            Document page = render(browser.get(), url, dir);
            assertEquals(String.valueOf(parameters), page.getElementById("nParams").text(), "Total Parameters shown");
            assertTrue(Long.parseLong(page.getElementById("totalParamUpdates").text()) > 0, "parameter updates shown");
            List<String> legend = page.getElementById("scoreiterchart").select(".legendLabel").eachText();
            assertTrue(legend.contains("score"), "the score chart's legend: " + legend);
            assertTrue(!page.getElementById("scoreiterchart").select("canvas.flot-base").isEmpty(), "score chart drawn");
            List<Double> iterations = ticks(page, "scoreiterchart", "x");
            assertTrue(iterations.get(iterations.size() - 1) >= 1, "the score chart's x axis spans the iterations "
                    + "served, not flot's empty default: " + iterations);
        }
    }

    /** The page as Chromium's DOM holds it once the page's scripts have fetched and drawn for 10 s of virtual time. */
    private static Document render(Path browser, String url, Path dir) throws Exception {
        Path dom = dir.resolve("overview.html");
        Process chromium = new ProcessBuilder(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--virtual-time-budget=10000", "--dump-dom", url)
                .redirectOutput(dom.toFile()).redirectError(dir.resolve("chromium.log").toFile()).start();
        if (!chromium.waitFor(2, TimeUnit.MINUTES)) {
            chromium.destroyForcibly();
            throw new AssertionError("Chromium did not render " + url + " within 2 minutes; see "
                    + dir.resolve("chromium.log"));
        }
        assertEquals(0, chromium.exitValue(), "Chromium's exit code; see " + dir.resolve("chromium.log"));
        return Jsoup.parse(dom.toFile(), "UTF-8", url);
    }

    private static Optional<Path> browser() {
        Optional<Path> found = BROWSERS.stream().map(Path::of).filter(Files::isExecutable).findFirst();
        if (found.isEmpty() && System.getenv(REQUIRE) != null) {
            throw new AssertionError(REQUIRE + " is set but no Chromium is installed (looked for " + BROWSERS
                    + "; Debian: apt-get install -y chromium)");
        }
        return found;
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return response.body();
    }

    /** The numbers drawn as tick labels on an axis of one of the page's flot charts. */
    private static List<Double> ticks(Document page, String chartId, String axis) {
        return page.getElementById(chartId).select(".flot-" + axis + "-axis .flot-tick-label").eachText().stream()
                .map(Double::parseDouble).toList();
    }
}
