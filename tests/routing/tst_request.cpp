// Requests and nginx's $uri: URL parsing, header and cookie access, normalization.
#include "simulator/fast_string.h"
#include "simulator/request.h"
#include "simulator/uri.h"

#include <QtTest>

using namespace hs::sim;

class TestRequest : public QObject {
    Q_OBJECT
private slots:
    void parseUrls_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("ok");
        QTest::newRow("https with port") << "https://Shop.example.com:8443/api?x=1"
                                         << "https"
                                         << "Shop.example.com:8443"
                                         << "/api?x=1" << true;
        QTest::newRow("no scheme") << "shop.example.com/api"
                                   << "http"
                                   << "shop.example.com"
                                   << "/api" << true;
        QTest::newRow("no path") << "http://a.test"
                                 << "http"
                                 << "a.test"
                                 << "/" << true;
        QTest::newRow("only a path") << "/x/y"
                                     << "http"
                                     << ""
                                     << "/x/y" << true;
        QTest::newRow("ipv6") << "http://[2001:db8::1]:8080/p"
                              << "http"
                              << "[2001:db8::1]:8080"
                              << "/p" << true;
        QTest::newRow("fragment dropped") << "http://a.test/p#frag"
                                          << "http"
                                          << "a.test"
                                          << "/p" << true;
        QTest::newRow("space rejected") << "http://a.test/a b"
                                        << ""
                                        << ""
                                        << "" << false;
        QTest::newRow("ftp rejected") << "ftp://a.test/"
                                      << ""
                                      << ""
                                      << "" << false;
        QTest::newRow("empty") << ""
                               << ""
                               << ""
                               << "" << false;
    }
    void parseUrls() {
        QFETCH(QString, url);
        QFETCH(QString, scheme);
        QFETCH(QString, host);
        QFETCH(QString, target);
        QFETCH(bool, ok);
        ParsedUrl p = parseUrl(url.toStdString());
        QCOMPARE(p.error.empty(), ok);
        if (!ok) return;
        QCOMPARE(QString::fromStdString(p.request.scheme), scheme);
        QCOMPARE(QString::fromStdString(p.request.host), host);
        QCOMPARE(QString::fromStdString(p.request.target), target);
    }

    void hostNameAndPort() {
        Request r;
        r.host = "Shop.Example.COM.:8443";
        QCOMPARE(r.hostName(), std::string("shop.example.com"));
        QCOMPARE(*r.hostPort(), std::uint16_t(8443));
        r.host = "[::1]:80";
        QCOMPARE(r.hostName(), std::string("[::1]"));
    }

    void headersCookiesArgs() {
        Request r;
        r.target = "/p?a=1&b=&c=3";
        r.headers = {{"X-Canary", "always"}, {"Cookie", "a=1; session=xyz"}, {"cookie", "late=2"}};
        QCOMPARE(*r.header("x-canary"), std::string("always"));
        QCOMPARE(std::string(*r.cookie("session")), std::string("xyz"));
        QCOMPARE(std::string(*r.cookie("late")), std::string("2"));
        QVERIFY(!r.cookie("missing"));
        QCOMPARE(std::string(*r.arg("c")), std::string("3"));
        QCOMPARE(std::string(*r.arg("b")), std::string(""));
        QVERIFY(!r.arg("d"));
    }

    void normalize_data() {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("uri");
        QTest::addColumn<int>("error");
        QTest::newRow("plain") << "/a/b"
                               << "/a/b" << int(UriError::None);
        QTest::newRow("merge slashes") << "//a///b"
                                       << "/a/b" << int(UriError::None);
        QTest::newRow("dot") << "/a/./b"
                             << "/a/b" << int(UriError::None);
        QTest::newRow("dot dot") << "/a/b/../c"
                                 << "/a/c" << int(UriError::None);
        QTest::newRow("trailing dot dot") << "/a/b/.."
                                          << "/a/" << int(UriError::None);
        QTest::newRow("trailing dot") << "/a/."
                                      << "/a/" << int(UriError::None);
        QTest::newRow("decoded") << "/a%2Fb/%41"
                                 << "/a/b/A" << int(UriError::None);
        QTest::newRow("encoded dot dot") << "/a/%2e%2e/b"
                                         << "/b" << int(UriError::None);
        QTest::newRow("above root") << "/../a"
                                    << "" << int(UriError::AboveRoot);
        QTest::newRow("bad escape") << "/a%zz"
                                    << "" << int(UriError::BadPercentEncoding);
        QTest::newRow("truncated escape") << "/a%4"
                                          << "" << int(UriError::BadPercentEncoding);
        QTest::newRow("nul") << "/a%00b"
                             << "" << int(UriError::NulByte);
        QTest::newRow("not absolute") << "a/b"
                                      << "" << int(UriError::NotAbsolute);
        QTest::newRow("dots in names") << "/a/...b/.c"
                                       << "/a/...b/.c" << int(UriError::None);
    }
    void normalize() {
        QFETCH(QString, raw);
        QFETCH(QString, uri);
        QFETCH(int, error);
        std::string out;
        UriError e = normalizeUri(raw.toStdString(), out);
        QCOMPARE(int(e), error);
        if (e == UriError::None) QCOMPARE(QString::fromStdString(out), uri);
    }

    // Request::path and the $uri fast path read sixteen bytes at a time (a last overlapping block,
    // short strings padded): every length around the block sizes, every position of the byte
    // that matters, and one reused output string growing and shrinking.
    void pathAndUriAtEveryOffset() {
        std::string out;
        for (std::size_t len = 1; len <= 48; ++len) {
            const std::string plain = "/" + std::string(len - 1, 'a');
            Request r;
            r.target = plain;
            QCOMPARE(std::string(r.path()), plain);
            QCOMPARE(int(normalizeUri(plain, out)), int(UriError::None));
            QCOMPARE(out, plain);
            for (std::size_t k = 1; k <= len; ++k) {
                const std::string head = plain.substr(0, k), tail = plain.substr(k);
                for (char mark : {'?', '#'}) {
                    r.target = head + mark + tail;
                    QCOMPARE(std::string(r.path()), head);
                }
                QCOMPARE(int(normalizeUri(head + "%41" + tail, out)), int(UriError::None));
                QCOMPARE(out, head + "A" + tail);
                if (k < 2) continue;  // head is "/a…a": "//" and "/./" below start at k
                QCOMPARE(int(normalizeUri(head + "//" + tail, out)), int(UriError::None));
                QCOMPARE(out, head + "/" + tail);
                QCOMPARE(int(normalizeUri(head + "/./" + tail, out)), int(UriError::None));
                QCOMPARE(out, head + "/" + tail);
            }
        }
    }

    // setText copies inline for short values (overlapping 4-, 8- and 16-byte moves, loads before
    // stores) and appends when growing: every length pair to 40 from distinct bytes, and a value
    // that is a slice of the string itself at every offset.
    void setTextEveryLength() {
        std::string src;
        for (int i = 0; i < 64; ++i) src += char('A' + i % 50);
        for (std::size_t from = 0; from <= 40; ++from) {
            for (std::size_t to = 0; to <= 40; ++to) {
                std::string s = src.substr(7, from);
                const std::string want = src.substr(3, to);
                setText(s, want);
                QCOMPARE(s, want);
                QCOMPARE(s.size(), to);
                QCOMPARE(s.c_str()[to], '\0');
            }
        }
        for (std::size_t len = 0; len <= 40; ++len) {
            for (std::size_t off = 0; off + len <= 40; ++off) {
                std::string s = src.substr(0, 40);
                const std::string want = s.substr(off, len);
                setText(s, std::string_view(s).substr(off, len));
                QCOMPARE(s, want);
            }
        }
    }

    void longPath() {
        std::string raw = "/" + std::string(64 * 1024, 'a');
        std::string out;
        QCOMPARE(int(normalizeUri(raw, out)), int(UriError::None));
        QCOMPARE(out.size(), raw.size());
    }
};

QTEST_APPLESS_MAIN(TestRequest)
#include "tst_request.moc"
