// hopscope: the desktop application. Opens the bundled demo when no source is given.
#include "app/gui/main_window.h"
#include "hopscope/version.h"
#include "resources/demo.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Hopscope"));
    QApplication::setOrganizationName(QStringLiteral("Hopscope"));
    QApplication::setApplicationVersion(QStringLiteral(HOPSCOPE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(HOPSCOPE_DESCRIPTION));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption files({QStringLiteral("f"), QStringLiteral("filename")},
                             QStringLiteral("Manifest file or folder (repeatable)."), QStringLiteral("PATH"));
    parser.addOption(files);
    parser.process(app);

    std::vector<std::string> paths;
    for (const QString& p : parser.values(files)) paths.push_back(p.toStdString());
    hs::model::LoadResult loaded = paths.empty() ? hs::demo::load() : hs::model::loadManifests(paths);
    hs::gui::MainWindow window(std::move(loaded));
    window.show();
    return QApplication::exec();
}
