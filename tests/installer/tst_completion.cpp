// hopscope-cli completion and manpage, run in-process: every visible command and option is in
// every shell's script and in the man page section; hidden commands stay hidden.
#include "app/cli/cli.h"

#include <QtTest>

#include <sstream>

namespace {
struct Result {
    int code;
    std::string out, err;
};
Result runCli(std::vector<std::string> words) {
    std::ostringstream out, err;
    std::istringstream in;
    hs::cli::Io io{out, err, in};
    int code = hs::cli::run(words, io);
    return {code, out.str(), err.str()};
}
bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }
// groff spelling of an option name (hyphens escaped).
std::string roffName(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
}
}  // namespace

class TestCompletion : public QObject {
    Q_OBJECT
private slots:
    void everyCommandAndOption_data() {
        QTest::addColumn<QString>("shell");
        QTest::newRow("bash") << "bash";
        QTest::newRow("zsh") << "zsh";
        QTest::newRow("fish") << "fish";
    }
    void everyCommandAndOption() {
        QFETCH(QString, shell);
        Result r = runCli({"completion", shell.toStdString()});
        QCOMPARE(r.code, 0);
        QVERIFY(r.err.empty());
        for (const auto& c : hs::cli::commands()) {
            if (c.hidden) {
                QVERIFY2(!contains(r.out, " " + c.name + " ") && !contains(r.out, "'" + c.name + ":"), c.name.c_str());
                continue;
            }
            QVERIFY2(contains(r.out, c.name), c.name.c_str());
            for (const auto& o : c.options) {
                // fish spells --url as "-l url" and -f as "-s f".
                std::string name = o.name;
                if (shell == "fish")
                    name = o.name.rfind("--", 0) == 0 ? "-l " + o.name.substr(2) : "-s " + o.name.substr(1);
                QVERIFY2(contains(r.out, name), (c.name + " " + o.name).c_str());
            }
        }
    }

    void bashScriptShape() {
        Result r = runCli({"completion", "bash"});
        QVERIFY(contains(r.out, "complete -F _hopscope_cli hopscope-cli\n"));
        // Paths complete after -f and after options whose metavar names a file.
        QVERIFY(contains(
            r.out, "pathopts=\"-f --filename --kubeconfig --controller-config\""));  // --kubeconfig: the live source
        QVERIFY(contains(r.out, "multiopts=\"-f --filename\""));
    }

    void usage() {
        Result r = runCli({"completion"});
        QCOMPARE(r.code, hs::cli::kExitUsage);
        QVERIFY(contains(r.err, "bash|zsh|fish"));
        r = runCli({"completion", "tcsh"});
        QCOMPARE(r.code, hs::cli::kExitUsage);
    }

    void manpageHidden() {
        Result r = runCli({"--help"});
        QVERIFY(contains(r.out, "completion"));
        QVERIFY(!contains(r.out, "manpage"));
    }

    void manpageSection() {
        Result r = runCli({"manpage"});
        QCOMPARE(r.code, 0);
        for (const auto& c : hs::cli::commands()) {
            if (c.hidden) continue;
            QVERIFY2(contains(r.out, ".SS \"" + c.name + "\"\n"), c.name.c_str());
            for (const auto& o : c.options) QVERIFY2(contains(r.out, roffName(o.name)), o.name.c_str());
        }
        // No line may start with a control character by accident.
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (!line.empty() && line[0] == '\'') QFAIL(line.c_str());
    }
};

QTEST_APPLESS_MAIN(TestCompletion)
#include "tst_completion.moc"
