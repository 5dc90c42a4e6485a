#pragma once
// TeachingPanel: steps ONE request hop by hop (next / back / play), explains each hop in plain
// words, and shows the manifest text of the object the hop concerns with the relevant lines
// highlighted. Guided lessons (resources/lessons/*.yaml, see lesson.h) run on the bundled demo
// cluster; the free mode routes any URL typed by the learner on the table the shell gives.
//
// Contract with the shell (docs/gui.md, "Teaching mode"):
// - setTable() with the table the graph shows; the free mode routes on it. Lessons always route on
//   the demo (their text is written for it and tested against it); when the graph shows another
//   cluster the panel says so, and hopShown still carries the demo decision.
// - hopShown(d, i) is emitted at every step (open, next, back, play tick); the shell forwards it to
//   GraphView::showDecision(d, i). d stays valid until the next hopShown or the panel's deletion;
//   receivers copy what they keep.
// Everything here runs on the GUI thread: loading the demo and routing a lesson take a few
// milliseconds (measured in the test), far less than a frame.

#include "app/gui/lesson.h"

#include <QStringList>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSplitter;
class QTextBrowser;
class QTimer;
class QToolButton;

namespace hs::gui {

class TeachingPanel : public QWidget {
    Q_OBJECT
public:
    explicit TeachingPanel(QWidget* parent = nullptr);
    ~TeachingPanel() override;
    void setTable(std::shared_ptr<const hs::sim::RouteTable> table);
    int lessonCount() const;

    // ---- beyond the contract: for the shell, the docs and the tests ----
    QString lessonTitle(int index) const;
    int currentLesson() const { return lesson_; }  // -1 in free mode
    int requestCount() const;  // of the open lesson (1 in free mode)
    int currentRequest() const { return request_; }
    int currentHop() const { return hop_; }  // -1 when nothing is routed
    int hopCount() const;
    bool isPlaying() const;
    void setPlayInterval(int milliseconds);  // default 1500 ms per hop
    // The decision being stepped, nullptr when none.
    const hs::sim::Decision* currentDecision() const;
    // What the lesson's expectation check said about the current request (empty = it holds).
    QStringList currentMismatches() const;
    // The manifest lines highlighted for the current hop as shown ("483 │ - path: /api"), and the
    // 1-based line numbers in the manifest file they come from.
    QStringList highlightedYamlLines() const;
    QList<int> highlightedFileLines() const;
    QString yamlHeader() const;  // the caption above the YAML: object, file, what is approximate

public slots:
    void openLesson(int index);
    void next();
    void back();
    void setPlaying(bool on);
    // Opens request `index` of the open lesson at its first hop.
    void openRequest(int index);
    // Free mode: routes `url` (with optional "Name: value" headers) on the shell's table and shows
    // its first hop. Returns false (and shows why) when the URL cannot be parsed.
    bool routeUrl(const QString& url, const QStringList& headers = {});

signals:
    void hopShown(const hs::sim::Decision& d, int hopIndex);  // the shell calls GraphView::showDecision(d, hopIndex)

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct YamlView;
    void buildUi();
    void showHop(int hop);
    void showNothing(const QString& why);
    void updateControls();
    void ensureDemo();
    void routeFreeText();
    YamlView yamlFor(const hs::sim::Decision& d, const hs::sim::Hop& h) const;
    const hs::model::ClusterState* stateOfCurrent() const;

    // Data
    std::shared_ptr<const hs::sim::RouteTable> table_;  // the shell's
    std::unique_ptr<hs::sim::RouteSession> freeSession_;
    std::shared_ptr<const hs::model::ClusterState> demo_;
    std::vector<Lesson> lessons_;
    QStringList lessonErrors_;
    LessonRun run_;  // the open lesson, routed
    std::vector<hs::sim::Decision> free_;  // free mode: the decision being stepped (one)
    hs::sim::Request freeRequest_;
    int lesson_ = -1, request_ = -1, hop_ = -1;
    QStringList highlighted_;
    QList<int> highlightedFileLines_;

    // Widgets (owned by the Qt parent chain)
    QComboBox* lessonBox_ = nullptr;
    QComboBox* requestBox_ = nullptr;
    QTextBrowser* intro_ = nullptr;
    QWidget* freeRow_ = nullptr;
    QLineEdit* urlEdit_ = nullptr;
    QLineEdit* headersEdit_ = nullptr;
    QToolButton* backButton_ = nullptr;
    QToolButton* playButton_ = nullptr;
    QToolButton* nextButton_ = nullptr;
    QLabel* stepLabel_ = nullptr;
    QLabel* banner_ = nullptr;
    QTextBrowser* explanation_ = nullptr;
    QSplitter* split_ = nullptr;  // explanation | YAML: side by side when the panel is wide
    QLabel* yamlCaption_ = nullptr;
    QPlainTextEdit* yaml_ = nullptr;
    QTimer* timer_ = nullptr;
};

}  // namespace hs::gui
