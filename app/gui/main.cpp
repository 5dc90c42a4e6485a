// hopscope: the desktop application. Opens the bundled demo when no source is given.
#include "app/gui/details_panel.h"
#include "app/gui/graph_view.h"
#include "app/gui/main_window.h"
#include "app/gui/request_panel.h"
#include "hopscope/version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QIcon>
#include <QStyleFactory>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string_view>

constexpr int kExitUsage = 2;

namespace {

// --screenshots DIR: the pictures of docs/gui.md, taken the way a user would get there: the demo
// drawn, the prefilled request routed, the Service shop/api selected.
void takeScreenshots(hs::gui::MainWindow& w, const QString& dir) {
    QObject::connect(w.graphView(), &hs::gui::GraphView::layoutReady, &w, [&w, dir] {
        static bool done = false;
        if (done) return;
        done = true;
        w.requestPanel()->route();
        if (const hs::graph::Graph* g = w.graphView()->graph())
            for (const auto& n : g->nodes)
                if (n.object && n.object->kind == hs::model::Kind::Service && n.object->ns == "shop" &&
                    n.object->name == "api")
                    w.graphView()->selectNode(QString::fromStdString(n.id));
        // Let the highlight's animation finish before grabbing.
        QTimer::singleShot(1500, &w, [&w, dir] {
            QDir().mkpath(dir);
            w.grab().save(dir + QStringLiteral("/main-window.png"));
            w.dock(QStringLiteral("requestDock"))->grab().save(dir + QStringLiteral("/request.png"));
            w.dock(QStringLiteral("detailsDock"))->grab().save(dir + QStringLiteral("/details.png"));
            QCoreApplication::quit();
        });
    });
}

}  // namespace

int main(int argc, char** argv) {
    // --help and --version print and exit, and must work without a display: a QCoreApplication
    // answers them, as QApplication would abort without a platform plugin.
    const bool printOnly = std::any_of(argv + 1, argv + argc, [](std::string_view a) {
        return a == "-h" || a == "--help" || a == "--help-all" || a == "-?" || a == "-v" || a == "--version";
    });
    std::unique_ptr<QCoreApplication> app;
    if (printOnly)
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hopscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("Hopscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HOPSCOPE_VERSION));
    if (!printOnly) {
        // Ties windows to the installed desktop entry and icon (installer/).
        QGuiApplication::setDesktopFileName(QStringLiteral(HOPSCOPE_APP_ID));
        QGuiApplication::setWindowIcon(
            QIcon::fromTheme(QStringLiteral(HOPSCOPE_APP_ID), QIcon(QStringLiteral(":/icons/hopscope.svg"))));
        // Fusion draws the same everywhere and takes the system palette (light or dark).
        if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion"))) QApplication::setStyle(fusion);
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(HOPSCOPE_DESCRIPTION));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption files({QStringLiteral("f"), QStringLiteral("filename")},
                             QStringLiteral("Manifest file or folder (repeatable)."), QStringLiteral("PATH"));
    QCommandLineOption kubeconfig(QStringLiteral("kubeconfig"),
                                  QStringLiteral("Watch a live cluster: this kubeconfig file only."),
                                  QStringLiteral("FILE"));
    QCommandLineOption context(QStringLiteral("context"),
                               QStringLiteral("Watch a live cluster: this kubeconfig context."),
                               QStringLiteral("NAME"));
    QCommandLineOption profile(QStringLiteral("profile"),
                               QStringLiteral("Controller model: ingress-nginx (default), gateway-api, gce, spec."),
                               QStringLiteral("P"));
    parser.addOption(files);
    parser.addOption(kubeconfig);
    parser.addOption(context);
    parser.addOption(profile);
    // For smoke tests of an installed build (tests/installer): start, show the window, quit.
    QCommandLineOption quitAfter(QStringLiteral("quit-after-ms"), QStringLiteral("Quit after MS milliseconds."),
                                 QStringLiteral("MS"));
    quitAfter.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(quitAfter);
    QCommandLineOption screenshots(QStringLiteral("screenshots"), QStringLiteral("Save the docs' screenshots to DIR."),
                                   QStringLiteral("DIR"));
    screenshots.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(screenshots);
    parser.process(*app);
    if (printOnly) parser.showHelp(kExitUsage);  // e.g. `-f --help`: -f took the option as its value

    hs::gui::SourceSpec source;
    const bool live = parser.isSet(kubeconfig) || parser.isSet(context);
    if (live && parser.isSet(files)) {
        std::fputs("hopscope: give either -f or --kubeconfig/--context, not both\n", stderr);
        return kExitUsage;
    }
    if (live) {
        source.kind = hs::gui::SourceSpec::Kind::Live;
        source.kubeconfig = parser.value(kubeconfig);
        source.context = parser.value(context);
    } else if (parser.isSet(files)) {
        source.kind = hs::gui::SourceSpec::Kind::Files;
        source.paths = parser.values(files);
    }
    std::optional<hs::sim::Profile> chosen;
    if (parser.isSet(profile)) {
        chosen = hs::sim::profileFromName(parser.value(profile).toStdString());
        if (!chosen) {
            std::fprintf(stderr, "hopscope: unknown profile '%s' (ingress-nginx, gateway-api, gce, spec)\n",
                         qPrintable(parser.value(profile)));
            return kExitUsage;
        }
    }
    hs::gui::MainWindow window(source, chosen);
    if (parser.isSet(screenshots)) {
        window.resize(1400, 900);
        takeScreenshots(window, parser.value(screenshots));
    }
    window.show();
    if (parser.isSet(quitAfter))
        QTimer::singleShot(parser.value(quitAfter).toInt(), app.get(), &QCoreApplication::quit);
    return QApplication::exec();
}
