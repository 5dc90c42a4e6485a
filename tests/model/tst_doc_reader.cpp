// Parsing YAML and JSON into DocNode trees: positions, multi-document isolation, YAML 1.1 scalar
// rules, and the limits that keep hostile input harmless.
#include "model/doc_reader.h"

#include <QtTest>

using namespace hs::model;

namespace {
std::shared_ptr<const std::string> name(const char* n) { return std::make_shared<const std::string>(n); }
QString dump(const Diagnostics& d) {
    QString s;
    for (const auto& x : d) s += QString::fromStdString(x.format()) + "\n";
    return s;
}
}  // namespace

class TestDocReader : public QObject {
    Q_OBJECT
private slots:
    void plainScalars_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("type");
        QTest::newRow("string") << "hello" << int(ScalarType::String);
        QTest::newRow("int") << "42" << int(ScalarType::Int);
        QTest::newRow("negative int") << "-7" << int(ScalarType::Int);
        QTest::newRow("hex int") << "0x1F" << int(ScalarType::Int);
        QTest::newRow("float") << "1.5" << int(ScalarType::Float);
        QTest::newRow("exp float") << "1e3" << int(ScalarType::Float);
        QTest::newRow("true") << "true" << int(ScalarType::Bool);
        QTest::newRow("yaml 1.1 yes is bool") << "yes" << int(ScalarType::Bool);
        QTest::newRow("yaml 1.1 on is bool") << "on" << int(ScalarType::Bool);
        QTest::newRow("tilde null") << "~" << int(ScalarType::Null);
        QTest::newRow("null word") << "null" << int(ScalarType::Null);
        QTest::newRow("version string") << "1.2.3" << int(ScalarType::String);
        QTest::newRow("path") << "/api" << int(ScalarType::String);
        QTest::newRow("dollar var") << "$host" << int(ScalarType::String);
    }
    void plainScalars() {
        QFETCH(QString, text);
        QFETCH(int, type);
        QCOMPARE(int(resolvePlainScalar(text.toStdString())), type);
    }

    void positionsAreOneBased() {
        Diagnostics d;
        auto docs = readYamlDocuments("a: 1\nb:\n  c: x\n", name("f.yaml"), d);
        QCOMPARE(docs.size(), size_t(1));
        const DocNode* c = docs[0].root.get({"b", "c"});
        QVERIFY(c);
        QCOMPARE(c->mark.line, 3u);
        QCOMPARE(c->mark.col, 6u);
        QCOMPARE(c->scalar, std::string("x"));
    }

    void multiDocumentLinesAndIsolation() {
        Diagnostics d;
        std::string text = "a: 1\n---\nthis: is: bad\n---\n# comment only\n---\nlast: doc\n";
        auto docs = readYamlDocuments(text, name("m.yaml"), d);
        QCOMPARE(docs.size(), size_t(3));
        QVERIFY(!docs[0].failed);
        QVERIFY(docs[1].failed);
        QVERIFY(!docs[2].failed);
        QCOMPARE(docs[2].root.get({"last"})->mark.line, 7u);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].loc.line, 3u);
        QVERIFY2(d[0].message.find("syntax") != std::string::npos, d[0].message.c_str());
    }

    void quotedScalarsAreStrings() {
        Diagnostics d;
        auto docs = readYamlDocuments("a: \"80\"\nb: 80\nc: 'true'\nd: |\n  text\n", name("q.yaml"), d);
        const DocNode& r = docs[0].root;
        QCOMPARE(int(r.find("a")->scalarType), int(ScalarType::String));
        QCOMPARE(int(r.find("b")->scalarType), int(ScalarType::Int));
        QCOMPARE(int(r.find("c")->scalarType), int(ScalarType::String));
        QCOMPARE(int(r.find("d")->scalarType), int(ScalarType::String));
    }

    void aliasesAndMergeKeys() {
        Diagnostics d;
        auto docs = readYamlDocuments("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\ncopy: *b\n", name("a.yaml"), d);
        QVERIFY2(d.empty(), qPrintable(dump(d)));
        const DocNode& r = docs[0].root;
        QCOMPARE(r.get({"use", "x"})->scalar, std::string("1"));
        QCOMPARE(r.get({"use", "y"})->scalar, std::string("3"));
        QCOMPARE(r.get({"copy", "y"})->scalar, std::string("2"));
    }

    void nullsAreNullNodes() {
        Diagnostics d;
        auto docs = readYamlDocuments("a: ~\nb: null\nc:\nd: !!null x\ne: \"null\"\n", name("n.yaml"), d);
        QVERIFY2(d.empty(), qPrintable(dump(d)));
        const DocNode& r = docs[0].root;
        for (const char* k : {"a", "b", "c", "d"}) {
            QVERIFY2(r.find(k) && r.find(k)->isNull(), k);
            QVERIFY(r.find(k)->scalar.empty());
        }
        QVERIFY(r.find("e")->isScalar());
        QCOMPARE(int(r.find("e")->scalarType), int(ScalarType::String));
    }

    // What go-yaml (kubectl, the API server) refuses is refused here too, located, and the
    // documents around it still load.
    void goYamlErrorsAreLocated_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("words");
        QTest::newRow("unknown anchor") << "a: 1\nb: *nope\n"
                                        << 2 << "yaml.syntax"
                                        << "unknown anchor 'nope'";
        QTest::newRow("tab indentation") << "a:\n\tb: 1\n"
                                         << 2 << "yaml.syntax"
                                         << "tab";
        QTest::newRow("mapping value in plain scalar") << "a: b: c\n"
                                                       << 1 << "yaml.syntax"
                                                       << "mapping values are not allowed";
        QTest::newRow("unclosed flow") << "a: [1, 2\nb: 3\n"
                                       << 2 << "yaml.syntax"
                                       << "";
        QTest::newRow("control character") << QString("a: x\x01y\n") << 1 << "yaml.syntax"
                                           << "control characters";
    }
    void goYamlErrorsAreLocated() {
        QFETCH(QString, text);
        QFETCH(int, line);
        QFETCH(QString, code);
        QFETCH(QString, words);
        std::string t = "kind: First\n---\n" + text.toStdString() + "---\nkind: Last\n";
        Diagnostics d;
        auto docs = readYamlDocuments(t, name("e.yaml"), d);
        QCOMPARE(docs.size(), size_t(3));
        QCOMPARE(docs[0].root.find("kind")->scalar, std::string("First"));
        QVERIFY(docs[1].failed);
        QCOMPARE(docs[2].root.find("kind")->scalar, std::string("Last"));
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(QString::fromStdString(d[0].code), code);
        QCOMPARE(int(d[0].loc.line), line + 2);
        QVERIFY2(d[0].loc.col > 0, qPrintable(dump(d)));
        QVERIFY2(QString::fromStdString(d[0].message).contains(words), qPrintable(dump(d)));
    }

    void billionLaughsIsRefused() {
        std::string text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
        char prev = 'a';
        for (char c = 'b'; c <= 'j'; ++c, ++prev) {
            text += std::string(1, c) + ": &" + c + " [";
            for (int i = 0; i < 10; ++i) text += std::string(i ? ", *" : "*") + prev;
            text += "]\n";
        }
        Diagnostics d;
        ReadLimits limits;
        limits.maxNodesPerDocument = 100000;
        auto docs = readYamlDocuments(text, name("bomb.yaml"), d, limits);
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(docs[0].failed);
        QVERIFY2(!d.empty() && d[0].message.find("expands") != std::string::npos, qPrintable(dump(d)));
    }

    void deepNestingIsRefused() {
        std::string text(5000, '[');
        text += std::string(5000, ']');
        Diagnostics d;
        auto docs = readYamlDocuments(text, name("deep.yaml"), d);
        QCOMPARE(docs.size(), size_t(1));
        QVERIFY(docs[0].failed);
        QVERIFY(!d.empty());
    }

    void duplicateKeysWarnAndLastWins() {
        Diagnostics d;
        auto docs = readYamlDocuments("name: a\nname: b\n", name("dup.yaml"), d);
        QCOMPARE(docs[0].root.find("name")->scalar, std::string("b"));
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(int(d[0].severity), int(Severity::Warning));
        QCOMPARE(d[0].loc.line, 2u);
    }

    void invalidUtf8AndBinary() {
        Diagnostics d;
        std::string text = "a: ok\n---\nb: \xff\xfe bad\n---\nc: x";
        text.push_back('\0');
        text += " nul\n";
        auto docs = readYamlDocuments(text, name("bin.yaml"), d);
        QCOMPARE(docs.size(), size_t(3));
        QVERIFY(!docs[0].failed);
        QVERIFY(docs[1].failed);
        QVERIFY(docs[2].failed);
        QCOMPARE(d.size(), size_t(2));
        QCOMPARE(d[0].loc.line, 3u);
    }

    void bomAndEmpty() {
        Diagnostics d;
        QVERIFY(readYamlDocuments("", name("e.yaml"), d).empty());
        QVERIFY(readYamlDocuments("\n# only a comment\n---\n", name("e.yaml"), d).empty());
        auto docs = readYamlDocuments("\xEF\xBB\xBFkind: X\n", name("bom.yaml"), d);
        QCOMPARE(docs[0].root.find("kind")->scalar, std::string("X"));
        QVERIFY(d.empty());
    }

    void jsonDocuments() {
        Diagnostics d;
        std::string text = "{\"a\": 1, \"b\": \"80\", \"c\": [true, null]}\n{\"second\": 2.5}\n{\"broken\": \n";
        auto docs = readJsonDocuments(text, name("x.json"), d);
        QCOMPARE(docs.size(), size_t(3));
        QCOMPARE(int(docs[0].root.find("a")->scalarType), int(ScalarType::Int));
        QCOMPARE(int(docs[0].root.find("b")->scalarType), int(ScalarType::String));
        QCOMPARE(docs[0].root.find("c")->items.size(), size_t(2));
        QCOMPARE(docs[1].root.find("second")->scalar, std::string("2.5"));
        QCOMPARE(docs[1].firstLine, 2u);
        QVERIFY(docs[2].failed);
        QCOMPARE(d.size(), size_t(1));
        QCOMPARE(d[0].loc.line, 3u);
        QCOMPARE(docs[0].root.find("b")->mark.line, 1u);
        QCOMPARE(docs[0].root.find("b")->mark.col, 15u);  // the opening quote
    }

    void longSingleLine() {
        std::string text = "data: \"" + std::string(10 << 20, 'x') + "\"\n";
        Diagnostics d;
        auto docs = readYamlDocuments(text, name("long.yaml"), d);
        QCOMPARE(docs.size(), size_t(1));
        QCOMPARE(docs[0].root.find("data")->scalar.size(), size_t(10 << 20));
    }
};

QTEST_APPLESS_MAIN(TestDocReader)
#include "tst_doc_reader.moc"
