package io.ulidmesh.migration.domain.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ulidmesh.common.error.DomainException;
import io.ulidmesh.common.error.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a target URL may reach, judged the way each driver reads the URL, on real files and links:
 * {@code {in}} is an allowed folder, {@code {out}} one beside it that is not.
 */
class TargetPolicyTest {
    private static final String SECRET = "s3cret-never-echoed";

    @TempDir
    static Path root;
    static Path in;
    static Path out;
    static TargetPolicy policy;

    @BeforeAll
    static void folders() throws IOException {
        in = Files.createDirectories(root.resolve("allowed"));
        out = Files.createDirectories(root.resolve("allowed-not"));
        Files.writeString(out.resolve("secret.db"), "not a database");
        Files.createSymbolicLink(in.resolve("link-out.db"), out.resolve("secret.db"));
        Files.createSymbolicLink(in.resolve("dir-out"), out);
        Files.createSymbolicLink(in.resolve("dangling.db"), out.resolve("nothing-here.db"));
        Files.writeString(Files.createDirectories(in.resolve("sub")).resolve("real.db"), "");
        Files.createSymbolicLink(in.resolve("link-in.db"), in.resolve("sub").resolve("real.db"));
        Files.createSymbolicLink(root.resolve("allowed-link"), in);
        policy = new TargetPolicy(List.of("db.internal", "127.0.0.1:5432", " [::1]:5433 "), List.of(in, Path.of("target")));
    }

    private static String url(String template) {
        return template.replace("{in}", in.toString()).replace("{out}", out.toString()).replace("{root}", root.toString())
                .replace("{secret}", SECRET);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            jdbc:postgresql://db.internal/app?p%61ssword={secret}                  | give the password in the password field
            jdbc:postgresql://db.internal/app?password ={secret}                   | give the password in the password field
            jdbc:postgresql://db.internal/app?PASSWORD={secret}                    | give the password in the password field
            jdbc:postgresql://db.internal/app?sslmode=require&%20Password%20={secret} | give the password in the password field
            jdbc:postgresql://app:{secret}@db.internal/app                         | carries user information before '@'
            jdbc:postgresql://db.internal/app?sslpasswordcallback=x.Y              | give the password in the password field
            jdbc:postgresql://db.internal/app?user=app                             | give the user name in the username field
            jdbc:postgresql://db.internal/app?socketFactory=x.Evil                 | option 'socketFactory' is not allowed for PostgreSQL
            jdbc:postgresql://db.internal/app?sslfactory=x.Evil                    | option 'sslfactory' is not allowed
            jdbc:postgresql://db.internal/app?loggerFile=/tmp/x.log                | option 'loggerFile' is not allowed
            jdbc:postgresql://db.internal/app?authenticationPluginClassName=x.Evil | option 'authenticationPluginClassName' is not allowed
            jdbc:postgresql://db.internal/app?PGHOST=evil.example                  | option 'PGHOST' is not allowed
            jdbc:postgresql://db.internal/app?service=elsewhere                    | option 'service' is not allowed
            jdbc:postgresql://db.internal/app?SSLMODE=require                      | option 'SSLMODE' is not allowed
            jdbc:postgresql://db.internal/app?sslmode=verify-nothing               | the value of option 'sslmode' must match
            jdbc:postgresql://evil.example/app                                     | host evil.example:5432 is not in ulidmesh.migration.allowed-hosts
            jdbc:postgresql://127.0.0.1:6543/app                                   | host 127.0.0.1:6543 is not in
            jdbc:postgresql://db.internal,evil.example/app                         | host evil.example:5432 is not in
            jdbc:postgresql://[::1]/app                                            | host [::1]:5432 is not in
            jdbc:postgresql://db.internal:99999/app                                | 'db.internal:99999' is not a host name
            jdbc:postgresql://d%62.internal/app                                    | 'd%62.internal' is not a host name
            jdbc:postgresql:app                                                    | must be jdbc:postgresql://host
            jdbc:postgresql://db.internal                                          | must be jdbc:postgresql://host
            jdbc:postgresql://db.internal/                                         | database '' must match
            JDBC:POSTGRESQL://db.internal/app                                      | must start with jdbc:postgresql:, jdbc:sqlite: or jdbc:duckdb:
            jdbc:mysql://db.internal/app?password={secret}                         | must start with jdbc:postgresql:
            jdbc:sqlite:                                                           | names an in-memory or resource database
            jdbc:sqlite::memory:                                                   | names an in-memory or resource database
            jdbc:sqlite::resource:http://evil.example/x.db                         | names an in-memory or resource database
            jdbc:sqlite:file::memory:?cache=shared                                 | 'file:' names are refused
            jdbc:sqlite:file:{in}/a.db                                             | 'file:' names are refused
            jdbc:sqlite:{in}/a.db?enable_load_extension=true                       | option 'enable_load_extension' is not allowed for SQLite targets (they take no options)
            jdbc:sqlite:{in}/a.db?open_mode=1                                      | option 'open_mode' is not allowed
            jdbc:sqlite:{in}/a.db?password={secret}                                | give the password in the password field
            jdbc:duckdb:                                                           | names an in-memory or resource database
            jdbc:duckdb::memory:                                                   | names an in-memory or resource database
            jdbc:duckdb::memory:shared                                             | names an in-memory or resource database
            jdbc:duckdb:md:my_db                                                   | 'md:' names are refused
            jdbc:duckdb:ducklake:{in}/lake                                         | 'ducklake:' names are refused
            jdbc:duckdb:s3://bucket/x.duckdb                                       | 's3:' names are refused
            jdbc:duckdb:{in}/a.duckdb;allow_unsigned_extensions=true               | option 'allow_unsigned_extensions' is not allowed for DuckDB
            jdbc:duckdb:{in}/a.duckdb;enable_external_access=true                  | option 'enable_external_access' is not allowed
            jdbc:duckdb:{in}/a.duckdb;session_init_sql_file=/etc/passwd            | option 'session_init_sql_file' is not allowed
            jdbc:duckdb:{in}/a.duckdb;extension_directory={out}                    | option 'extension_directory' is not allowed
            jdbc:duckdb:{in}/a.duckdb;motherduck_token={secret}                    | give the password in the password field
            jdbc:duckdb:{in}/a.duckdb;threads=all                                  | the value of option 'threads' must match
            jdbc:duckdb:{in}/a.duckdb?threads=2                                    | DuckDB reads options after ';'
            jdbc:duckdb:/etc/passwd                                                | '/etc/passwd' is outside the folders of ulidmesh.migration.allowed-paths
            jdbc:duckdb:/nonexistent                                               | '/nonexistent' is outside the folders
            jdbc:sqlite:{out}/secret.db                                            | is outside the folders
            jdbc:sqlite:{in}                                                       | is outside the folders
            jdbc:sqlite:{in}/../allowed-not/secret.db                              | climbs out of a folder with '..'
            jdbc:sqlite:{in}/sub/../../allowed-not/secret.db                       | climbs out of a folder with '..'
            jdbc:sqlite:{in}/link-out.db                                           | is outside the folders
            jdbc:sqlite:{in}/dir-out/secret.db                                     | is outside the folders
            jdbc:sqlite:{in}/dir-out/new.db                                        | is outside the folders
            jdbc:sqlite:{in}/dangling.db                                           | is outside the folders
            jdbc:sqlite:target/../pom.xml                                          | climbs out of a folder with '..'
            jdbc:sqlite:pom.xml                                                    | is outside the folders
            jdbc:sqlite:{root}/allowed-link/a.db                                   | is outside the folders
            """)
    void refused(String template, String messagePart) {
        String url = url(template);
        assertThatThrownBy(() -> policy.check("t", url)).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(messagePart).doesNotContain(SECRET);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            jdbc:postgresql://db.internal/app                                                   | db.internal:5432
            jdbc:postgresql://DB.Internal:7000/app?sslmode=verify-full&currentSchema=app,public  | db.internal:7000
            jdbc:postgresql://127.0.0.1/app?connectTimeout=5&targetServerType=primary           | 127.0.0.1:5432
            jdbc:postgresql://[::1]:5433,db.internal/app                                        | [::1]:5433
            jdbc:sqlite:{in}/crackerjack.db                                                     |
            jdbc:sqlite:{in}/sub/new.db                                                         |
            jdbc:sqlite:{in}/link-in.db                                                         |
            jdbc:sqlite:target/configured-target.db                                             |
            jdbc:duckdb:{in}/session_buddy.duckdb;threads=4;memory_limit=1GB                     |
            """)
    void allowed(String template, String firstHost) {
        JdbcUrl url = policy.check("t", url(template));
        if (firstHost != null) {
            assertThat(url.hosts().get(0)).hasToString(firstHost);
        }
    }

    @Test
    void theUrlIsAtMost2KiBAndOneLine() {
        String prefix = "jdbc:sqlite:" + in + "/";
        policy.check("t", prefix + "a".repeat(JdbcUrl.MAX_BYTES - prefix.length()));
        assertInvalid(prefix + "a".repeat(JdbcUrl.MAX_BYTES - prefix.length() + 1), "is 2049 bytes long; at most 2048 (2 KiB)");
        assertInvalid(prefix + "é".repeat(JdbcUrl.MAX_BYTES / 2), "bytes long; at most 2048 (2 KiB)");
        assertInvalid(prefix + "a.db\nINFO forged", ": control character U+000A at position");
        assertInvalid(prefix + "a.db\u001b[2J", ": control character U+001B");
        assertInvalid(prefix + "a.db\0.txt", ": control character U+0000");
        assertInvalid("", "jdbc_url of target 't' is required");
    }

    /** An allowed folder named through a link: its files are reached by either spelling; a link to it from elsewhere is not. */
    @Test
    void anAllowedFolderNamedThroughALink() {
        TargetPolicy viaLink = new TargetPolicy(List.of(), List.of(root.resolve("allowed-link")));
        viaLink.check("t", "jdbc:sqlite:" + root.resolve("allowed-link").resolve("a.db"));
        viaLink.check("t", "jdbc:sqlite:" + in.resolve("a.db"));
        assertThatThrownBy(() -> viaLink.check("t", "jdbc:sqlite:" + in.resolve("link-out.db"))).hasMessageContaining("is outside");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad host!", "h:0", "h:65536", "user@h", "h:port"})
    void aMalformedAllowedHostStopsTheWorker(String entry) {
        assertThatThrownBy(() -> new TargetPolicy(List.of(entry), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ulidmesh.migration.allowed-hosts").hasMessageContaining(entry);
    }

    @Test
    void withNothingAllowedNothingIsReachable() {
        TargetPolicy closed = new TargetPolicy(List.of(), List.of(root.resolve("targets")));
        assertThatThrownBy(() -> closed.check("t", "jdbc:postgresql://127.0.0.1/app")).hasMessageContaining("is not in");
        assertThatThrownBy(() -> closed.check("t", "jdbc:sqlite:" + in.resolve("a.db"))).hasMessageContaining("is outside");
        closed.check("t", "jdbc:sqlite:" + root.resolve("targets").resolve("a.db"));
    }

    private static void assertInvalid(String url, String messagePart) {
        assertThatThrownBy(() -> policy.check("t", url)).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }
}
