#include "app/gui/yaml_editor.h"

#include "app/gui/yaml_highlighter.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace hs::gui {

class LineNumberArea : public QWidget {
public:
    explicit LineNumberArea(YamlEditor* editor) : QWidget(editor), editor_(editor) {}
    QSize sizeHint() const override { return {editor_->lineNumberAreaWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* e) override { editor_->paintLineNumbers(e); }

private:
    YamlEditor* editor_;
};

YamlEditor::YamlEditor(QWidget* parent) : QPlainTextEdit(parent) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(false);
    gutter_ = new LineNumberArea(this);
    highlighter_ = new YamlHighlighter(document());
    connect(this, &QPlainTextEdit::blockCountChanged, this, &YamlEditor::updateMargins);
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        if (dy)
            gutter_->scroll(0, dy);
        else
            gutter_->update(0, rect.y(), gutter_->width(), rect.height());
    });
    updateMargins();
}

int YamlEditor::lineNumberAreaWidth() const {
    int digits = QString::number(std::max(1, blockCount())).size();
    return 12 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * std::max(digits, 3);
}

void YamlEditor::updateMargins() { setViewportMargins(lineNumberAreaWidth(), 0, 0, 0); }

void YamlEditor::resizeEvent(QResizeEvent* e) {
    QPlainTextEdit::resizeEvent(e);
    QRect cr = contentsRect();
    gutter_->setGeometry(QRect(cr.left(), cr.top(), lineNumberAreaWidth(), cr.height()));
}

void YamlEditor::paintLineNumbers(QPaintEvent* e) {
    QPainter p(gutter_);
    p.fillRect(e->rect(), palette().color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int number = block.blockNumber() + 1;
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    while (block.isValid() && top <= e->rect().bottom()) {
        if (block.isVisible() && bottom >= e->rect().top()) {
            bool marked = false, error = false;
            for (const auto& m : marks_)
                if (m.line == number) marked = true, error = error || m.error;
            p.setPen(marked ? (error ? QColor(200, 30, 30) : QColor(200, 120, 0))
                            : palette().color(QPalette::PlaceholderText));
            p.drawText(0, top, gutter_->width() - 6, fontMetrics().height(), Qt::AlignRight, QString::number(number));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
        ++number;
    }
}

void YamlEditor::setMarks(std::vector<Mark> marks) {
    marks_ = std::move(marks);
    QList<QTextEdit::ExtraSelection> selections;
    for (const auto& m : marks_) {
        QTextBlock block = document()->findBlockByNumber(m.line - 1);
        if (!block.isValid()) block = document()->lastBlock();
        QTextEdit::ExtraSelection sel;
        sel.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        sel.format.setUnderlineColor(m.error ? QColor(220, 30, 30) : QColor(230, 140, 0));
        sel.format.setToolTip(m.message);
        QTextCursor c(block);
        int from = m.col > 0 ? std::min(m.col - 1, std::max(0, block.length() - 1)) : 0;
        c.setPosition(block.position() + from);
        c.setPosition(block.position() + std::max(from + 1, block.length() - 1), QTextCursor::KeepAnchor);
        sel.cursor = c;
        selections.append(sel);
    }
    setExtraSelections(selections);
    gutter_->update();
}

void YamlEditor::goToLine(int line, int col) {
    QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid()) return;
    QTextCursor c(block);
    c.setPosition(block.position() + std::clamp(col - 1, 0, std::max(0, block.length() - 1)));
    setTextCursor(c);
    centerCursor();
    setFocus();
}

bool YamlEditor::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* he = static_cast<QHelpEvent*>(e);
        QTextCursor c = cursorForPosition(viewport()->mapFromGlobal(he->globalPos()));
        int line = c.blockNumber() + 1;
        QStringList texts;
        for (const auto& m : marks_)
            if (m.line == line) texts << m.message;
        if (!texts.isEmpty()) {
            QToolTip::showText(he->globalPos(), texts.join(QLatin1Char('\n')), this);
            return true;
        }
    }
    return QPlainTextEdit::event(e);
}

}  // namespace hs::gui
