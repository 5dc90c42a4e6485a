// Trace readers: each format's mapping to a request, their edge cases, gzip (and truncated gzip),
// format detection, bounded lines (a 1 GB line is skipped without holding it), non-UTF-8 bytes,
// and the rule that every line becomes exactly one record.
#include "resources/demo.h"
#include "resources/demo/traces/demo_traffic.h"
#include "simulator/replay/verify.h"
#include "simulator/trace/line_reader.h"
#include "simulator/trace/nginx_log_format.h"
#include "simulator/trace/time_parse.h"
#include "simulator/trace/trace_reader.h"
#include "tests/trace/trace_fixtures.h"

#include <QtTest>

#include <sstream>

#include <sys/resource.h>

using namespace hs;
using hs::testing::gzip;
using hs::testing::readAll;
using Kind = trace::TraceRecord::Kind;

namespace {

// A source of `size` bytes of 'x' followed by "\nGET-next\n", made up as it is read.
class HugeLineSource final : public trace::ByteSource {
public:
    explicit HugeLineSource(std::uint64_t size) : size_(size) { name_ = "<huge>"; }
    std::size_t read(char* out, std::size_t n) override {
        static const std::string tail = "\nafter\n";
        std::size_t k = 0;
        while (k < n && pos_ < size_ + tail.size()) {
            if (pos_ < size_) {
                std::size_t run = static_cast<std::size_t>(std::min<std::uint64_t>(n - k, size_ - pos_));
                std::memset(out + k, 'x', run);
                k += run;
                pos_ += run;
            } else {
                out[k++] = tail[static_cast<std::size_t>(pos_ - size_)];
                ++pos_;
            }
        }
        return k;
    }
    bool compressed() const override { return false; }
    const std::string& error() const override { return error_; }

private:
    std::uint64_t size_, pos_ = 0;
    std::string error_;
};

long maxRssMiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

std::string headerValue(const sim::Request& r, const char* name) {
    const std::string* v = r.header(name);
    return v ? *v : std::string("(none)");
}

}  // namespace

class TestTraceReaders : public QObject {
    Q_OBJECT
private slots:
    // ---- time --------------------------------------------------------------------------------
    void times_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected");  // ns since 1970; -1 = invalid
        QTest::newRow("time_local UTC") << "local"
                                        << "25/Nov/2026:08:00:01 +0000" << qint64(1795593601000000000);
        QTest::newRow("time_local offset") << "local"
                                           << "10/Oct/2000:13:55:36 -0700" << qint64(971211336000000000);
        QTest::newRow("time_local bad month") << "local"
                                              << "10/Foo/2000:13:55:36 -0700" << qint64(-1);
        QTest::newRow("time_local 31 Feb") << "local"
                                           << "31/Feb/2000:13:55:36 -0700" << qint64(-1);
        QTest::newRow("time_local short") << "local"
                                          << "10/Oct/2000:13:55" << qint64(-1);
        QTest::newRow("time_local year 9999 (beyond 64-bit ns)") << "local"
                                                                 << "10/Oct/9999:13:55:36 +0000" << qint64(-1);
        QTest::newRow("iso year 0001") << "iso"
                                       << "0001-01-01T00:00:00Z" << qint64(-1);
        QTest::newRow("iso Z millis") << "iso"
                                      << "2026-11-25T08:00:01.250Z" << qint64(1795593601250000000);
        QTest::newRow("iso offset") << "iso"
                                    << "2000-10-10T13:55:36-07:00" << qint64(971211336000000000);
        QTest::newRow("iso nanos, space") << "iso"
                                          << "2026-11-25 08:00:01.000000001+00:00" << qint64(1795593601000000001);
        QTest::newRow("iso garbage") << "iso"
                                     << "2026-11-25T08:00" << qint64(-1);
        QTest::newRow("decimal exact") << "decimal"
                                       << "1795593601.123456789" << qint64(1795593601123456789);
        QTest::newRow("decimal whole") << "decimal"
                                       << "1795593601" << qint64(1795593601000000000);
        QTest::newRow("decimal junk") << "decimal"
                                      << "17955x" << qint64(-1);
        // Regression (fuzz_trace, UBSan): 11 digits passed the range check one digit early and
        // whole seconds × 10^9 overflowed int64.
        QTest::newRow("decimal 11883411981.5 (overflow)") << "decimal"
                                                          << "11883411981.5" << qint64(-1);
        QTest::newRow("decimal 9000000000 (the limit)") << "decimal"
                                                        << "9000000000" << qint64(9000000000000000000);
    }
    void times() {
        QFETCH(QString, kind);
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        std::string t = text.toStdString();
        std::optional<std::int64_t> v = kind == "local" ? trace::parseTimeLocal(t)
            : kind == "iso"                             ? trace::parseIso8601(t)
                                                        : trace::parseDecimalSeconds(t);
        if (expected < 0)
            QVERIFY2(!v, ("accepted " + t).c_str());
        else {
            QVERIFY2(v, ("rejected " + t).c_str());
            QCOMPARE(qint64(*v), expected);
        }
    }

    // ---- ingress-nginx upstreaminfo ------------------------------------------------------------
    void ingressNginxFields() {
        std::string text = std::string(hs::testing::kUpstreamLine) + "\n" + hs::testing::kCanaryLine + "\n" +
            hs::testing::kRetryLine + "\n" + hs::testing::kRedirectLine + "\n";
        auto all = readAll(text);
        QCOMPARE(int(all.format), int(trace::TraceFormat::IngressNginx));
        QCOMPARE(all.records.size(), std::size_t(4));
        const auto& a = all.records[0];
        QVERIFY2(a.kind == Kind::Request, a.why.c_str());
        QCOMPARE(a.request.method, std::string("GET"));
        QCOMPARE(a.request.target, std::string("/api/v2/orders?page=2"));
        QCOMPARE(a.request.clientIP, std::string("203.0.113.7"));
        QCOMPARE(a.request.scheme, std::string("https"));  // not recorded: the default
        QVERIFY(!a.hasHost && !a.hasScheme && a.hasTime);
        QCOMPARE(qint64(a.request.timeNs), qint64(1795593601000000000));
        QCOMPARE(headerValue(a.request, "User-Agent"), std::string("Mozilla/5.0 (X11)"));
        QCOMPARE(headerValue(a.request, "Referer"), std::string("https://shop.example.com/"));
        QCOMPARE(a.recorded.status, 200);
        QCOMPARE(a.recorded.upstream, std::string("shop-api-80"));
        QCOMPARE(a.recorded.alternative, std::string());
        QCOMPARE(a.recorded.upstreamAddr, std::string("10.244.25.195:9000"));
        QCOMPARE(qint64(a.recorded.requestTimeNs), qint64(21000000));
        QCOMPARE(all.records[1].recorded.alternative, std::string("shop-api-canary-80"));
        const auto& retry = all.records[2];
        QVERIFY2(retry.kind == Kind::Request, retry.why.c_str());
        QCOMPARE(retry.recorded.upstreamAddr, std::string("10.244.1.1:9000, 10.244.25.195:9000"));
        QCOMPARE(retry.recorded.upstreamStatus, std::string("502, 200"));
        QCOMPARE(std::string(replay::lastUpstreamAddr(retry.recorded.upstreamAddr)), std::string("10.244.25.195:9000"));
        QCOMPARE(std::string(replay::lastUpstreamAddr("10.0.0.1:80 : 10.0.0.2:80")), std::string("10.0.0.2:80"));
        QCOMPARE(all.records[3].recorded.upstreamAddr, std::string("-"));
        QCOMPARE(all.records[3].recorded.status, 308);
    }

    void ingressNginxBadLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("skipped");  // else bad
        QTest::addColumn<QString>("why");
        std::string good = hs::testing::kUpstreamLine;
        QTest::newRow("cut short") << QString::fromStdString(good.substr(0, 120)) << false << "the line ends inside";
        QTest::newRow("TLS on the plain port")
            << "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"\\x16\\x03\\x01\\x00\\xE0\\x01\" 400 150 \"-\" \"-\" 0 0.001 [] [] - - - - abc"
            << true << "not an HTTP request (nginx answered 400 before routing): request line `\\x16";
        QTest::newRow("not a request line, not answered 400")
            << "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"\\x16\\x03\\x01\\x00\\xE0\\x01\" 200 150 \"-\" \"-\" 0 0.001 [] [] - - - - abc"
            << false << "is not METHOD TARGET PROTOCOL";
        QTest::newRow("status not a number")
            << QString::fromStdString(good).replace("\" 200 512", "\" abc 512") << false << "$status";
        QTest::newRow("time garbage") << QString::fromStdString(good).replace("25/Nov/2026:08:00:01",
                                                                              "yesterday-noonish-ok")
                                      << false << "$time_local";
        QTest::newRow("a field too many") << QString::fromStdString(good).replace("[shop-api-80]", "[shop-api-80] junk")
                                          << false << "the line ends inside $proxy_upstream_name";
        QTest::newRow("binary request")
            << "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"\\x00\\xFF /x HTTP/1.1\" 400 0 \"-\" \"-\" 0 0.000 [] [] - - - - abc"
            << true << "does not start with an HTTP method";
        QTest::newRow("no target, answered 404")
            << "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"GET  HTTP/1.1\" 404 0 \"-\" \"-\" 0 0.000 [] [] - - - - abc"
            << false << "request line has no target";
        QTest::newRow("no request: -")
            << "192.0.2.1 - - [25/Nov/2026:08:00:01 +0000] \"-\" 400 0 \"-\" \"-\" 0 0.000 [] [] - - - - abc" << true
            << "no request line";
    }
    void ingressNginxBadLines() {
        QFETCH(QString, line);
        QFETCH(bool, skipped);
        QFETCH(QString, why);
        trace::TraceOptions o;
        o.format = trace::TraceFormat::IngressNginx;
        auto all = readAll(std::string(hs::testing::kUpstreamLine) + "\n" + line.toStdString() + "\n", o);
        QCOMPARE(all.records.size(), std::size_t(2));
        const auto& r = all.records[1];
        QCOMPARE(r.line, std::uint64_t(2));
        QVERIFY2(r.kind == (skipped ? Kind::Skipped : Kind::Bad), r.why.c_str());
        QVERIFY2(r.why.find(why.toStdString()) != std::string::npos, r.why.c_str());
    }

    // `kubectl logs` of a controller Pod: its banner, klog lines and nginx's error log come
    // before and between the access-log lines (skipped, counted by reason), with or without
    // --timestamps' prefix on every line, compressed or not, detected or named.
    void kubectlLogsOfTheController_data() {
        QTest::addColumn<bool>("timestamps");
        QTest::addColumn<bool>("gzipped");
        QTest::addColumn<bool>("named");
        QTest::newRow("plain") << false << false << false;
        QTest::newRow("--timestamps") << true << false << false;
        QTest::newRow("--timestamps, gzip") << true << true << false;
        QTest::newRow("--format ingress-nginx, --timestamps") << true << false << true;
        QTest::newRow("--prefix") << false << false << false;
        QTest::newRow("--prefix --timestamps, named") << true << false << true;
    }
    void kubectlLogsOfTheController() {
        QFETCH(bool, timestamps);
        QFETCH(bool, gzipped);
        QFETCH(bool, named);
        const bool prefixed = QString(QTest::currentDataTag()).contains("--prefix");
        std::vector<std::string> in = {
            "-------------------------------------------------------------------------------",
            "NGINX Ingress controller",
            "  Release:       v1.11.3",
            "  Repository:    https://github.com/kubernetes/ingress-nginx",
            "  nginx version: nginx/1.25.5",
            "",
            "-------------------------------------------------------------------------------",
        };
        for (int i = 0; i < 14; ++i)
            in.push_back("I1205 10:00:00.0001" + std::to_string(10 + i) +
                         "       7 controller.go:213] \"Backend successfully reloaded\"");
        in.push_back(hs::testing::kUpstreamLine);
        in.push_back("2026/12/05 10:00:01 [error] 31#31: *7 upstream timed out (110: Connection timed out)");
        in.push_back(hs::testing::kCanaryLine);
        in.push_back(
            "W1205 10:00:02.000000       7 controller.go:1216] Service \"shop/gone\" does not have any active Endpoint.");
        in.push_back("not a log line at all");
        std::string text;
        int n = 0;
        for (const auto& l : in) {
            if (prefixed) text += "[pod/ingress-nginx-controller-5c8d66c76d-x2x9k/controller] ";
            if (timestamps)
                text += "2026-12-05T10:00:" + std::to_string(10 + n % 50) + "." + std::to_string(123456789 + n) + "Z ";
            text += l + "\n";
            ++n;
        }
        trace::TraceOptions o;
        if (named) o.format = trace::TraceFormat::IngressNginx;
        auto all = readAll(gzipped ? gzip(text) : text, o, "controller.log");
        QVERIFY2(all.openError.empty(), all.openError.c_str());
        QCOMPARE(int(all.format), int(trace::TraceFormat::IngressNginx));
        QCOMPARE(all.records.size(), in.size());
        std::size_t requests = 0, messages = 0, blank = 0, bad = 0;
        for (const auto& r : all.records) {
            if (r.kind == Kind::Request) ++requests;
            if (r.kind == Kind::Skipped && r.why.find("a message of the controller") == 0) ++messages;
            if (r.kind == Kind::Skipped && r.why == "blank line") ++blank;
            if (r.kind == Kind::Bad) ++bad;
        }
        QCOMPARE(requests, std::size_t(2));
        QCOMPARE(messages, std::size_t(6 + 14 + 2));
        QCOMPARE(blank, std::size_t(1));
        QCOMPARE(bad, std::size_t(1));  // the line that is neither
        const auto& a = all.records[21];
        QVERIFY2(a.kind == Kind::Request, a.why.c_str());
        QCOMPARE(a.recorded.upstream, std::string("shop-api-80"));
        QCOMPARE(a.request.target, std::string("/api/v2/orders?page=2"));
        QCOMPARE(qint64(a.request.timeNs), qint64(1795593601000000000));  // the access log's own time
    }

    void onlyControllerMessages() {
        auto all = readAll(
            "W1205 10:00:00.000000       7 client_config.go:659] Neither --kubeconfig nor --master\n"
            "I1205 10:00:00.000112       7 main.go:205] \"Creating API client\"\n",
            {}, "startup.log");
        QVERIFY2(all.openError.find("startup.log: its 2 lines are the ingress-nginx controller's own messages") == 0,
                 all.openError.c_str());
    }

    // The upstreaminfo fast path (LogFormat::parse) against the interpreter on the same lines,
    // record by record: the demo log and lines that take the interpreter's special cases (the
    // fast path must hand those back untouched). Each line is parsed into a record that still
    // holds the previous line, as the readers reuse records.
    void upstreamInfoFastPathEqualsInterpreter() {
        std::string err;
        auto f = trace::LogFormat::compile(trace::kIngressNginxLogFormat, err);
        QVERIFY2(f, err.c_str());
        std::ostringstream log;
        demo::TrafficOptions to;
        to.requests = 3000;
        demo::writeIngressNginxLog(log, sim::compileRouteTable(demo::load().state, {}), to);
        std::vector<std::string> lines;
        std::istringstream in(log.str());
        for (std::string l; std::getline(in, l);) lines.push_back(l);
        const std::string good = hs::testing::kUpstreamLine;
        auto replaced = [&](std::string from, std::string to2) {
            std::string l = good;
            auto at = l.find(from);
            if (at != std::string::npos) l.replace(at, from.size(), to2);
            return l;
        };
        for (const std::string& l : {good,
                                     std::string(hs::testing::kCanaryLine),
                                     std::string(hs::testing::kRetryLine),
                                     std::string(hs::testing::kRedirectLine),
                                     replaced("GET /api", "GET http://shop.example.com/api"),
                                     replaced("GET /api/v2/orders?page=2 HTTP/1.1", "OPTIONS * HTTP/1.1"),
                                     replaced("GET /api/v2/orders?page=2 HTTP/1.1", "GET /x"),
                                     replaced("GET /api/v2/orders?page=2 HTTP/1.1", "-"),
                                     replaced("GET /api", "GET /a\\x22pi"),
                                     replaced("\" 200 512", "\" abc 512"),
                                     replaced("\" 200 512", "\" 99 512"),
                                     replaced("\" 200 512", "\" 0200 512"),
                                     replaced("25/Nov/2026", "25/Nov/2026x"),
                                     replaced("203.0.113.7 -", "- -"),
                                     replaced("[shop-api-80]", "[]"),
                                     replaced("[shop-api-80]", "[shop-api-80] junk"),
                                     replaced("Mozilla/5.0 (X11)", "a\" b"),
                                     replaced("\"https://shop", "\"-\" \"https://shop"),
                                     good.substr(0, 120),
                                     good + " tail",
                                     std::string(),
                                     std::string("-")})
            lines.push_back(l);
        trace::TraceRecord fast, slow;
        trace::LogFormat::Scratch fs, ss;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            f->parse(lines[i], fast, fs);
            f->parseInterpreted(lines[i], slow, ss);
            const sim::Request &a = fast.request, &b = slow.request;
            const trace::Recorded &x = fast.recorded, &y = slow.recorded;
            bool same = fast.kind == slow.kind && fast.why == slow.why && fast.hasTime == slow.hasTime &&
                fast.hasHost == slow.hasHost && fast.hasScheme == slow.hasScheme && fast.hasClient == slow.hasClient &&
                a.method == b.method && a.scheme == b.scheme && a.host == b.host && a.sni == b.sni &&
                a.target == b.target && a.clientIP == b.clientIP && a.timeNs == b.timeNs &&
                a.headers.size() == b.headers.size() && x.status == y.status && x.upstream == y.upstream &&
                x.alternative == y.alternative && x.upstreamAddr == y.upstreamAddr &&
                x.upstreamStatus == y.upstreamStatus && x.ingress == y.ingress && x.service == y.service &&
                x.requestTimeNs == y.requestTimeNs && x.requestId == y.requestId;
            for (std::size_t h = 0; same && h < a.headers.size(); ++h)
                same = a.headers[h].name == b.headers[h].name && a.headers[h].value == b.headers[h].value;
            QVERIFY2(same, ("line " + std::to_string(i + 1) + ": " + lines[i]).c_str());
        }
    }

    void escapedAndNonUtf8Bytes() {
        // nginx writes bytes outside printable ASCII as \xHH: they come back as the raw bytes
        std::string line =
            "203.0.113.7 - - [25/Nov/2026:08:00:01 +0000] \"GET /caf\\xC3\\xA9/\\xFF\\x22q HTTP/1.1\" 404 0 \"-\" \"-\" 1 0.001 "
            "[shop-storefront-http] [] 10.244.1.21:8080 0 0.001 404 abc";
        auto all = readAll(line + "\n");
        QCOMPARE(all.records.size(), std::size_t(1));
        QVERIFY2(all.records[0].kind == Kind::Request, all.records[0].why.c_str());
        QCOMPARE(all.records[0].request.target, std::string("/caf\xC3\xA9/\xFF\"q"));
        // raw bytes that are not UTF-8, unescaped, are taken as they are
        std::string raw =
            "203.0.113.7 - - [25/Nov/2026:08:00:01 +0000] \"GET /\xFF\xFE HTTP/1.1\" 404 0 \"-\" \"-\" 1 0.001 "
            "[shop-storefront-http] [] 10.244.1.21:8080 0 0.001 404 abc";
        auto all2 = readAll(raw + "\n");
        QVERIFY(all2.records[0].kind == Kind::Request);
        QCOMPARE(all2.records[0].request.target, std::string("/\xFF\xFE"));
    }

    void combinedFormat() {
        auto all = readAll(std::string(hs::testing::kCombinedLine) + "\n");
        QCOMPARE(int(all.format), int(trace::TraceFormat::NginxCombined));
        QVERIFY2(all.records[0].kind == Kind::Request, all.records[0].why.c_str());
        QCOMPARE(all.records[0].request.target, std::string("/apache_pb.gif"));
        QCOMPARE(all.records[0].recorded.status, 200);
        QCOMPARE(qint64(all.records[0].request.timeNs), qint64(971211336000000000));
    }

    // ---- custom log_format -------------------------------------------------------------------
    void customFormats_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("url");  // scheme://host target
        QTest::addColumn<QString>("header");  // "Name=value" expected, or empty
        QTest::newRow("host, scheme, canary header, cookie")
            << "$remote_addr [$time_local] $scheme $host \"$request\" $status \"$http_x_canary\" $cookie_session"
            << "10.0.0.1 [25/Nov/2026:08:00:01 +0000] http shop.example.com \"GET /api HTTP/1.1\" 200 \"always\" abc123"
            << "http://shop.example.com/api"
            << "X-Canary=always";
        QTest::newRow("server_port tells the scheme and the port")
            << "$remote_addr $http_host $server_port \"$request\" $status"
            << "10.0.0.1 shop.example.com 8443 \"GET / HTTP/1.1\" 200"
            << "https://shop.example.com:8443/"
            << "";
        QTest::newRow("port 443 means https") << "$remote_addr $host $server_port \"$request\" $status"
                                              << "10.0.0.1 shop.example.com 443 \"GET /x HTTP/1.1\" 200"
                                              << "https://shop.example.com/x"
                                              << "";
        QTest::newRow("uri and args") << "$remote_addr $host $uri $args $status"
                                      << "10.0.0.1 blog.example.com /feed.xml a=1 200"
                                      << "https://blog.example.com/feed.xml?a=1"
                                      << "";
        QTest::newRow("absolute-form request") << "$remote_addr \"$request\" $status"
                                               << "10.0.0.1 \"GET http://www.example.com/home HTTP/1.1\" 200"
                                               << "http://www.example.com/home"
                                               << "";
        QTest::newRow("cookie header")
            << "$remote_addr $host \"$request\" $status \"$http_cookie\""
            << "10.0.0.1 dashboard.tenants.example.com \"GET / HTTP/1.1\" 200 \"DASHBOARD=abc|def; theme=dark\""
            << "https://dashboard.tenants.example.com/"
            << "Cookie=DASHBOARD=abc|def; theme=dark";
        QTest::newRow("JSON log with escape=json")
            << "escape=json {\"t\":\"$time_iso8601\",\"host\":\"$host\",\"uri\":\"$request_uri\",\"status\":$status,\"ua\":\"$http_user_agent\"}"
            << "{\"t\":\"2026-11-25T08:00:01+00:00\",\"host\":\"shop.example.com\",\"uri\":\"/api?x=1\",\"status\":200,\"ua\":\"say "
               "\\\"hi\\\", ok\"}"
            << "https://shop.example.com/api?x=1"
            << "User-Agent=say \"hi\", ok";
    }
    void customFormats() {
        QFETCH(QString, format);
        QFETCH(QString, line);
        QFETCH(QString, url);
        QFETCH(QString, header);
        trace::TraceOptions o;
        o.logFormat = format.toStdString();
        auto all = readAll(line.toStdString() + "\n", o);
        QVERIFY2(all.openError.empty(), all.openError.c_str());
        QCOMPARE(int(all.format), int(trace::TraceFormat::Custom));
        QCOMPARE(all.records.size(), std::size_t(1));
        const auto& r = all.records[0];
        QVERIFY2(r.kind == Kind::Request, r.why.c_str());
        QCOMPARE(QString::fromStdString(r.request.scheme + "://" + r.request.host + r.request.target), url);
        if (!header.isEmpty()) {
            auto eq = header.indexOf('=');
            QCOMPARE(QString::fromStdString(headerValue(r.request, header.left(eq).toStdString().c_str())),
                     header.mid(eq + 1));
        }
    }

    void customFormatErrors_data() {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("error");
        QTest::newRow("adjacent variables") << "$remote_addr $host$request_uri"
                                            << "follow each other";
        QTest::newRow("nothing to route") << "$remote_addr $status"
                                          << "records no request";
        QTest::newRow("empty") << "   "
                               << "empty";
    }
    void customFormatErrors() {
        QFETCH(QString, format);
        QFETCH(QString, error);
        trace::TraceOptions o;
        o.logFormat = format.toStdString();
        auto all = readAll("x\n", o);
        QVERIFY2(all.openError.find(error.toStdString()) != std::string::npos, all.openError.c_str());
    }

    // ---- JSON Lines ---------------------------------------------------------------------------
    void jsonLines_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("url");  // empty: a bad line
        QTest::addColumn<QString>("why");
        QTest::newRow("full")
            << R"({"time":"2026-11-25T08:00:01.5Z","method":"POST","url":"https://shop.example.com/api/v2/cart","client":"10.0.0.7","headers":{"X-Canary":"always"},"cookies":{"s":"1"},"recorded":{"status":201,"upstream":"shop-api-80"}})"
            << "https://shop.example.com/api/v2/cart"
            << "";
        QTest::newRow("headers as pairs, time as a number")
            << R"({"time":1795593601.25,"url":"http://blog.example.com/feed.xml","headers":[["Accept","*/*"],{"name":"X-Id","value":"7"}]})"
            << "http://blog.example.com/feed.xml"
            << "";
        QTest::newRow("host and path") << R"({"host":"www.example.com","path":"/home","scheme":"http"})"
                                       << "http://www.example.com/home"
                                       << "";
        QTest::newRow("no host") << R"({"path":"/status"})"
                                 << "https:///status"
                                 << "";
        QTest::newRow("not JSON") << R"({"url": "https://x/", )"
                                  << ""
                                  << "not JSON";
        QTest::newRow("no url") << R"({"method":"GET"})"
                                << ""
                                << "no \"url\"";
        QTest::newRow("bad time") << R"({"url":"/x","time":"noon"})"
                                  << ""
                                  << "\"time\"";
        QTest::newRow("relative url") << R"({"url":"shop.example.com/x"})"
                                      << ""
                                      << "no scheme";
    }
    void jsonLines() {
        QFETCH(QString, line);
        QFETCH(QString, url);
        QFETCH(QString, why);
        trace::TraceOptions o;
        o.format = trace::TraceFormat::Jsonl;
        auto all = readAll(line.toStdString() + "\n", o);
        QCOMPARE(all.records.size(), std::size_t(1));
        const auto& r = all.records[0];
        if (url.isEmpty()) {
            QVERIFY2(r.kind == Kind::Bad, "accepted a bad line");
            QVERIFY2(r.why.find(why.toStdString()) != std::string::npos, r.why.c_str());
        } else {
            QVERIFY2(r.kind == Kind::Request, r.why.c_str());
            QCOMPARE(QString::fromStdString(r.request.scheme + "://" + r.request.host + r.request.target), url);
        }
    }

    void jsonLinesDetails() {
        auto all = readAll(
            R"({"time":"2026-11-25T08:00:01.5Z","method":"POST","url":"https://shop.example.com/api","client":"10.0.0.7","headers":{"X-Canary":"always"},"cookies":{"s":"1","t":"2"},"recorded":{"status":201,"upstream":"shop-api-80","alternative":"shop-api-canary-80"}})"
            "\n# a comment\n\n");
        QCOMPARE(int(all.format), int(trace::TraceFormat::Jsonl));
        QCOMPARE(all.records.size(), std::size_t(3));
        const auto& r = all.records[0];
        QCOMPARE(r.request.method, std::string("POST"));
        QCOMPARE(r.request.clientIP, std::string("10.0.0.7"));
        QCOMPARE(qint64(r.request.timeNs), qint64(1795593601500000000));
        QCOMPARE(headerValue(r.request, "x-canary"), std::string("always"));
        QCOMPARE(std::string(*r.request.cookie("t")), std::string("2"));
        QCOMPARE(r.recorded.status, 201);
        QCOMPARE(r.recorded.alternative, std::string("shop-api-canary-80"));
        QVERIFY(all.records[1].kind == Kind::Skipped && all.records[2].kind == Kind::Skipped);
    }

    // An nginx access log written as JSON looks like JSON Lines: the reader says which keys it
    // does not read and that no line names a host; it reports hosts as not recorded then, and
    // takes the recorded fields verify compares from the "recorded" object only.
    void jsonlSurveysKeys() {
        auto open = [](const std::string& text) {
            auto opened = trace::openTraceBytes(text, "t.jsonl", {});
            if (!opened.reader) throw std::runtime_error(opened.error);
            return std::move(opened.reader);
        };
        auto nginxJson = open(
            "{\"time\": \"2026-12-05T10:00:00+00:00\", \"vhost\": \"shop.example.com\", \"path\": \"/cart\", "
            "\"status\": 200, \"upstream\": \"shop-storefront-http\"}\n");
        QCOMPARE(int(nginxJson->format()), int(trace::TraceFormat::Jsonl));
        const auto notes = nginxJson->notes();
        QCOMPARE(notes.size(), std::size_t(2));
        QVERIFY2(notes[0].find("keys this format does not read: status, upstream, vhost (") == 0, notes[0].c_str());
        QVERIFY2(notes[1].find("no line names a host") == 0 && notes[1].find("--log-format") != std::string::npos,
                 notes[1].c_str());
        QVERIFY(!nginxJson->fields().host);
        QVERIFY(!nginxJson->fields().upstream && !nginxJson->fields().status);

        auto native = open(
            "{\"url\": \"https://shop.example.com/\", \"recorded\": {\"upstream\": \"shop-storefront-http\", "
            "\"status\": 200, \"ingress\": null}}\n");
        QVERIFY(native->notes().empty());
        QVERIFY(native->fields().host && native->fields().upstream && native->fields().status);
        QVERIFY(!native->fields().ingress);  // null: not recorded
    }

    // ---- CSV --------------------------------------------------------------------------------
    void csv() {
        std::string text =
            "time,method,url,client_ip,header:X-Canary,cookie:session,status,upstream,color\n"
            "2026-11-25T08:00:01Z,GET,https://shop.example.com/api,10.0.0.1,always,abc,200,shop-api-80,red\n"
            "2026-11-25T08:00:02Z,GET,\"https://shop.example.com/search?q=a,b\",10.0.0.2,,,200,shop-storefront-http,blue\n"
            "2026-11-25T08:00:03Z,GET,https://shop.example.com/\n"
            "2026-11-25T08:00:04Z,GET,\"https://shop.example.com/x,10.0.0.3,,,200,x,y\n";
        auto all = readAll(text);
        QVERIFY2(all.openError.empty(), all.openError.c_str());
        QCOMPARE(int(all.format), int(trace::TraceFormat::Csv));
        QCOMPARE(all.records.size(), std::size_t(5));
        QVERIFY(all.records[0].kind == Kind::Skipped);  // the header row
        const auto& a = all.records[1];
        QVERIFY2(a.kind == Kind::Request, a.why.c_str());
        QCOMPARE(headerValue(a.request, "X-Canary"), std::string("always"));
        QCOMPARE(std::string(*a.request.cookie("session")), std::string("abc"));
        QCOMPARE(a.recorded.upstream, std::string("shop-api-80"));
        QCOMPARE(all.records[2].request.target, std::string("/search?q=a,b"));
        QVERIFY2(all.records[3].kind == Kind::Bad && all.records[3].why.find("fields") != std::string::npos,
                 all.records[3].why.c_str());
        QVERIFY2(all.records[4].kind == Kind::Bad && all.records[4].why.find("unterminated") != std::string::npos,
                 all.records[4].why.c_str());
    }

    void csvWithoutUrlColumn() {
        trace::TraceOptions o;
        o.format = trace::TraceFormat::Csv;
        auto all = readAll("a,b\n1,2\n", o);
        QCOMPARE(all.records.size(), std::size_t(2));
        QVERIFY(all.records[0].kind == Kind::Bad && all.records[1].kind == Kind::Bad);
        QVERIFY2(all.records[0].why.find("url, path or target") != std::string::npos, all.records[0].why.c_str());
    }

    // ---- HAR --------------------------------------------------------------------------------
    void harFromTheDemo() {
        std::ostringstream out;
        demo::writeBrowserHar(out, sim::compileRouteTable(demo::load().state, {}));
        auto all = readAll(out.str(), {}, "browse.har");
        QCOMPARE(int(all.format), int(trace::TraceFormat::Har));
        QCOMPARE(all.records.size(), std::size_t(38));
        QCOMPARE(all.requests(), std::size_t(38));
        QVERIFY2(all.inputError.empty(), all.inputError.c_str());
        const auto& first = all.records[0];
        QCOMPARE(first.request.scheme, std::string("http"));
        QCOMPARE(first.request.host, std::string("shop.example.com"));
        QCOMPARE(first.recorded.status, 308);
        // the dashboard's affinity cookie comes back on later requests
        bool cookie = false;
        for (const auto& r : all.records)
            if (r.request.host == "dashboard.tenants.example.com" && r.request.cookie("DASHBOARD")) cookie = true;
        QVERIFY(cookie);
    }

    void harEdgeCases() {
        std::string big(3 * 1024 * 1024, 'A');  // a 3 MB response body: left out while scanning
        std::string har =
            "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"t\"},\"entries\":[\n"
            "{\"startedDateTime\":\"2026-11-25T09:00:00.000Z\",\"time\":12.5,\"request\":{\"method\":\"GET\","
            "\"url\":\"https://shop.example.com/\",\"httpVersion\":\"HTTP/2.0\",\"headers\":[{\"name\":\":authority\","
            "\"value\":\"shop.example.com\"},{\"name\":\":path\",\"value\":\"/\"},{\"name\":\"X-Canary\",\"value\":\"always\"}],"
            "\"cookies\":[{\"name\":\"a\",\"value\":\"1\"}]},\"response\":{\"status\":200,\"content\":{\"text\":\"" +
            big +
            "\"}}},\n"
            "{\"startedDateTime\":\"yesterday\",\"request\":{\"url\":\"https://x/\"}},\n"
            "{\"startedDateTime\":\"2026-11-25T09:00:01.000Z\",\"request\":{\"method\":\"GET\",\"url\":\"https://shop.example.com/cart\"}";
        auto all = readAll(har, {}, "edge.har");  // ends inside the third entry
        QCOMPARE(int(all.format), int(trace::TraceFormat::Har));
        QCOMPARE(all.records.size(), std::size_t(3));
        const auto& a = all.records[0];
        QVERIFY2(a.kind == Kind::Request, a.why.c_str());
        QCOMPARE(headerValue(a.request, "X-Canary"), std::string("always"));
        QCOMPARE(headerValue(a.request, ":path"), std::string("(none)"));
        QCOMPARE(std::string(*a.request.cookie("a")), std::string("1"));
        QCOMPARE(qint64(a.recorded.requestTimeNs), qint64(12500000));
        QCOMPARE(a.line, std::uint64_t(2));
        QVERIFY2(all.records[1].kind == Kind::Bad && all.records[1].why.find("startedDateTime") != std::string::npos,
                 all.records[1].why.c_str());
        QVERIFY2(all.records[2].kind == Kind::Bad && all.records[2].why.find("ends inside") != std::string::npos,
                 all.records[2].why.c_str());

        trace::TraceOptions o;
        o.format = trace::TraceFormat::Har;
        auto none = readAll("{\"log\":{\"version\":\"1.2\"}}", o);
        QVERIFY(none.records.empty());
        QVERIFY2(none.inputError.find("no log.entries") != std::string::npos, none.inputError.c_str());
    }

    // A browser's export lists its own URLs (data: images, extension pages) beside the requests,
    // and WebSockets as ws/wss: the first are skipped with a reason, the second are the HTTP
    // request that opened the socket.
    void harBrowserUrls() {
        auto entry = [](const std::string& url) {
            return "{\"startedDateTime\":\"2026-11-25T09:00:00Z\",\"request\":{\"method\":\"GET\",\"url\":\"" + url +
                "\"}}";
        };
        std::string har = "{\"log\":{\"entries\":[" + entry("data:image/png;base64,AAAA") + ",\n" +
            entry("chrome-extension://abc/page.html") + ",\n" + entry("wss://shop.example.com/live?x=1") + ",\n" +
            entry("WS://blog.example.com/feed") + ",\n" + entry("gopher://x/") + "]}}";
        auto all = readAll(har, {}, "browser.har");
        QCOMPARE(all.records.size(), std::size_t(5));
        QVERIFY(all.records[0].kind == Kind::Skipped);
        QVERIFY2(all.records[0].why.find("data:") != std::string::npos, all.records[0].why.c_str());
        QVERIFY(all.records[1].kind == Kind::Skipped);
        const auto& ws = all.records[2];
        QVERIFY2(ws.kind == Kind::Request, ws.why.c_str());
        QCOMPARE(ws.request.scheme, std::string("https"));
        QCOMPARE(ws.request.host, std::string("shop.example.com"));
        QCOMPARE(ws.request.target, std::string("/live?x=1"));
        QVERIFY2(all.records[3].kind == Kind::Request, all.records[3].why.c_str());
        QCOMPARE(all.records[3].request.scheme, std::string("http"));
        QVERIFY2(all.records[4].kind == Kind::Bad && all.records[4].why.find("gopher") != std::string::npos,
                 all.records[4].why.c_str());
    }

    // ---- gzip ---------------------------------------------------------------------------------
    void gzipVariants_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("format");
        QTest::newRow("ingress-nginx") << QString::fromStdString(std::string(hs::testing::kUpstreamLine) + "\n" +
                                                                 hs::testing::kCanaryLine + "\n")
                                       << int(trace::TraceFormat::IngressNginx);
        QTest::newRow("combined") << QString::fromStdString(std::string(hs::testing::kCombinedLine) + "\n")
                                  << int(trace::TraceFormat::NginxCombined);
        QTest::newRow("jsonl") << "{\"url\":\"https://shop.example.com/\"}\n{\"url\":\"https://blog.example.com/\"}\n"
                               << int(trace::TraceFormat::Jsonl);
        QTest::newRow("csv") << "url,method\nhttps://shop.example.com/,GET\n" << int(trace::TraceFormat::Csv);
        QTest::newRow("har")
            << "{\"log\":{\"entries\":[{\"startedDateTime\":\"2026-11-25T09:00:00Z\",\"request\":{\"method\":\"GET\",\"url\":\"https://shop.example.com/\"}}]}}"
            << int(trace::TraceFormat::Har);
    }
    void gzipVariants() {
        QFETCH(QString, text);
        QFETCH(int, format);
        std::string plain = text.toStdString();
        auto a = readAll(plain);
        auto b = readAll(gzip(plain));
        QCOMPARE(int(b.format), format);
        QCOMPARE(b.records.size(), a.records.size());
        for (std::size_t i = 0; i < a.records.size(); ++i) {
            QCOMPARE(int(b.records[i].kind), int(a.records[i].kind));
            QCOMPARE(b.records[i].request.target, a.records[i].request.target);
        }
        QVERIFY2(b.inputError.empty(), b.inputError.c_str());
        // concatenated gzip members are one stream
        auto c = readAll(gzip(plain) + gzip(plain));
        QCOMPARE(c.records.size(), 2 * a.records.size());
    }

    void truncatedGzipKeepsWhatWasRead() {
        std::string text;
        for (int i = 0; i < 5000; ++i) text += std::string(hs::testing::kUpstreamLine) + "\n";
        std::string z = gzip(text);
        auto all = readAll(z.substr(0, z.size() * 2 / 3));
        QVERIFY2(all.inputError.find("truncated") != std::string::npos, all.inputError.c_str());
        QVERIFY2(all.requests() > 1000, qPrintable(QString::number(all.requests())));
        QVERIFY(all.records.size() < 5000);
        // corrupt data in the middle
        std::string bad = z;
        for (std::size_t i = z.size() / 2; i < z.size() / 2 + 64; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
        auto corrupt = readAll(bad);
        QVERIFY2(!corrupt.inputError.empty(), "corruption not reported");
        QVERIFY(corrupt.requests() > 0);
    }

    // ---- detection ----------------------------------------------------------------------------
    void detection_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");  // format name, or an error fragment
        QTest::newRow("ingress-nginx") << QString(hs::testing::kUpstreamLine) + "\n"
                                       << "ingress-nginx";
        QTest::newRow("combined") << QString(hs::testing::kCombinedLine) + "\n"
                                  << "nginx";
        QTest::newRow("jsonl") << "{\"url\":\"/\"}\n"
                               << "jsonl";
        QTest::newRow("csv") << "time,url\n1,/\n"
                             << "csv";
        QTest::newRow("har, pretty") << "{\n  \"log\": {\n    \"entries\": []\n  }\n}\n"
                                     << "har";
        QTest::newRow("har, one line") << "{\"log\":{\"entries\":[]}}\n"
                                       << "har";
        QTest::newRow("unknown") << "hello world\nthis is not a log\n"
                                 << "cannot tell the format";
        QTest::newRow("empty") << ""
                               << "is empty";
        QTest::newRow("only blank lines") << "\n\n  \n"
                                          << "is empty";
    }
    void detection() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto opened = trace::openTraceBytes(text.toStdString(), "x.log", {});
        if (opened.reader)
            QCOMPARE(QString(trace::formatName(opened.reader->format())), expected);
        else
            QVERIFY2(opened.error.find(expected.toStdString()) != std::string::npos, opened.error.c_str());
    }

    void unknownFileIsAnError() {
        auto opened = trace::openTrace("/nonexistent/trace.log", {});
        QVERIFY(!opened.reader);
        QVERIFY2(opened.error.find("No such file") != std::string::npos, opened.error.c_str());
    }

    // ---- lines --------------------------------------------------------------------------------
    void everyLineIsOneRecord() {
        std::string text = std::string(hs::testing::kUpstreamLine) + "\r\n\r\n" + "garbage line\n" +
            hs::testing::kCanaryLine;  // no final \n
        trace::TraceOptions o;
        o.format = trace::TraceFormat::IngressNginx;
        auto all = readAll(text, o);
        QCOMPARE(all.records.size(), std::size_t(4));
        QVERIFY(all.records[0].kind == Kind::Request);
        QCOMPARE(all.records[0].recorded.requestId, std::string("7f3e1c0a2b4d5e6f7a8b9c0d1e2f3a4b"));  // no \r
        QVERIFY(all.records[1].kind == Kind::Skipped);
        QVERIFY(all.records[2].kind == Kind::Bad);
        QVERIFY(all.records[3].kind == Kind::Request);
        QCOMPARE(all.records[3].line, std::uint64_t(4));
    }

    void longLineIsSkipped() {
        std::string text = std::string(hs::testing::kUpstreamLine) + "\n" + std::string(3 * 1024 * 1024, 'x') + "\n" +
            hs::testing::kCanaryLine + "\n";
        trace::TraceOptions o;
        o.format = trace::TraceFormat::IngressNginx;
        auto all = readAll(text, o);
        QCOMPARE(all.records.size(), std::size_t(3));
        QVERIFY2(
            all.records[1].kind == Kind::Bad && all.records[1].why.find("longer than the limit") != std::string::npos,
            all.records[1].why.c_str());
        QVERIFY2(all.records[1].why.find("3145728 bytes") != std::string::npos, all.records[1].why.c_str());
        QVERIFY(all.records[2].kind == Kind::Request);
    }

    void gigabyteLineUsesBoundedMemory() {
        const std::uint64_t size = std::uint64_t(1) << 30;
        const long before = maxRssMiB();  // the peak so far (earlier tests, sanitizer overhead)
        HugeLineSource src(size);
        trace::LineReader lines(src);
        std::string_view l;
        QCOMPARE(int(lines.next(l)), int(trace::LineReader::Status::TooLong));
        QCOMPARE(lines.skippedLength(), size);
        QCOMPARE(int(lines.next(l)), int(trace::LineReader::Status::Line));
        QCOMPARE(std::string(l), std::string("after"));
        QCOMPARE(lines.lineNumber(), std::uint64_t(2));
        QCOMPARE(int(lines.next(l)), int(trace::LineReader::Status::End));
        // the 1 GB line went by in a bounded buffer: the peak grew by a few MiB at most
        QVERIFY2(maxRssMiB() - before < 64,
                 qPrintable(QString("peak RSS %1 MiB, %2 MiB before").arg(maxRssMiB()).arg(before)));
    }
};

QTEST_GUILESS_MAIN(TestTraceReaders)
#include "tst_trace_readers.moc"
