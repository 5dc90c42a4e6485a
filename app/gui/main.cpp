// hopscope: the desktop application. Opens the bundled demo when no source is given.
#include "app/gui/main_window.h"
#include "hopscope/version.h"
#include "resources/demo.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <string_view>

constexpr int kExitUsage = 2;

int main(int argc, char** argv) {
    // --help and --version print and exit, and must work without a display: a QCoreApplication
    // answers them, as QApplication would abort without a platform plugin.
    const bool printOnly = std::any_of(argv + 1, argv + argc, [](std::string_view a) {
        return a == "-h" || a == "--help" || a == "--help-all" || a == "-?" || a == "-v" || a == "--version";
    });
    std::unique_ptr<QCoreApplication> app;
    if (printOnly) app = std::make_unique<QCoreApplication>(argc, argv);
    else app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("Hopscope"));
    QCoreApplication::setOrganizationName(QStringLiteral("Hopscope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HOPSCOPE_VERSION));
    if (!printOnly) {
        // Ties windows to the installed desktop entry and icon (installer/).
        QGuiApplication::setDesktopFileName(QStringLiteral(HOPSCOPE_APP_ID));
        QGuiApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral(HOPSCOPE_APP_ID)));
    }

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(HOPSCOPE_DESCRIPTION));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption files({QStringLiteral("f"), QStringLiteral("filename")},
                             QStringLiteral("Manifest file or folder (repeatable)."), QStringLiteral("PATH"));
    parser.addOption(files);
    // For smoke tests of an installed build (tests/installer): start, show the window, quit.
    QCommandLineOption quitAfter(QStringLiteral("quit-after-ms"), QStringLiteral("Quit after MS milliseconds."),
                                 QStringLiteral("MS"));
    quitAfter.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(quitAfter);
    parser.process(*app);
    if (printOnly) parser.showHelp(kExitUsage);  // e.g. `-f --help`: -f took the option as its value

    std::vector<std::string> paths;
    for (const QString& p : parser.values(files)) paths.push_back(p.toStdString());
    hs::model::LoadResult loaded = paths.empty() ? hs::demo::load() : hs::model::loadManifests(paths);
    hs::gui::MainWindow window(std::move(loaded));
    window.show();
    if (parser.isSet(quitAfter)) QTimer::singleShot(parser.value(quitAfter).toInt(), app.get(), &QCoreApplication::quit);
    return QApplication::exec();
}
