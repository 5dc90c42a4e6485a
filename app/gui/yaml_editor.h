#pragma once
// A plain-text YAML editor: line numbers in a gutter, syntax colours (YamlHighlighter), and
// located problems underlined (a wave under the rest of the line from the column) with the
// message as a tooltip. Knows nothing about Kubernetes: the what-if panel feeds it diagnostics.

#include <QPlainTextEdit>

#include <vector>

namespace hs::gui {

class YamlHighlighter;

class YamlEditor : public QPlainTextEdit {
    Q_OBJECT
public:
    struct Mark {
        int line = 0;  // 1-based
        int col = 0;  // 1-based; 0 = the whole line
        bool error = true;  // else a warning
        QString message;
    };

    explicit YamlEditor(QWidget* parent = nullptr);
    void setMarks(std::vector<Mark> marks);
    const std::vector<Mark>& marks() const { return marks_; }
    void goToLine(int line, int col = 1);
    int lineNumberAreaWidth() const;

protected:
    void resizeEvent(QResizeEvent* e) override;
    bool event(QEvent* e) override;  // tooltips over marks

private:
    friend class LineNumberArea;
    void paintLineNumbers(QPaintEvent* e);
    void updateMargins();
    QWidget* gutter_ = nullptr;
    YamlHighlighter* highlighter_ = nullptr;
    std::vector<Mark> marks_;
};

}  // namespace hs::gui
