#include "app/gui/yaml_highlighter.h"

#include <QRegularExpression>

namespace hs::gui {

YamlHighlighter::YamlHighlighter(QTextDocument* document) : QSyntaxHighlighter(document) {
    key_.setForeground(QColor(0, 92, 153));
    key_.setFontWeight(QFont::DemiBold);
    comment_.setForeground(QColor(110, 120, 110));
    comment_.setFontItalic(true);
    string_.setForeground(QColor(163, 21, 21));
    number_.setForeground(QColor(9, 134, 88));
    keyword_.setForeground(QColor(175, 0, 219));
    marker_.setForeground(QColor(128, 128, 128));
    marker_.setFontWeight(QFont::Bold);
    anchor_.setForeground(QColor(190, 110, 0));
}

void YamlHighlighter::highlightBlock(const QString& text) {
    static const QRegularExpression keyRe(
        QStringLiteral(R"(^(\s*(?:-\s+)*)([^\s#'"{}\[\],&*!|>][^#]*?|"[^"]*"|'[^']*')\s*:(?=\s|$))"));
    static const QRegularExpression stringRe(QStringLiteral(R"("(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?)"));
    static const QRegularExpression scalarRe(
        QStringLiteral(R"((?:^\s*|[:\[,]\s*|-\s+)(true|false|null|~|yes|no|-?\d+(?:\.\d+)?)\s*(?=$|#|,|\]))"));
    static const QRegularExpression anchorRe(QStringLiteral(R"([&*!][\w./:-]+)"));
    static const QRegularExpression dashRe(QStringLiteral(R"(^\s*(-)(?=\s|$))"));

    if (text.startsWith(QLatin1String("---")) || text.startsWith(QLatin1String("..."))) {
        setFormat(0, 3, marker_);
        return;
    }
    // where a comment starts: a '#' at the start or after a space, outside quotes
    int commentAt = -1;
    QChar quote;
    for (int i = 0; i < text.size(); ++i) {
        QChar c = text[i];
        if (!quote.isNull()) {
            if (c == quote) quote = QChar();
            continue;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\''))
            quote = c;
        else if (c == QLatin1Char('#') && (i == 0 || text[i - 1].isSpace())) {
            commentAt = i;
            break;
        }
    }
    const QString code = commentAt >= 0 ? text.left(commentAt) : text;
    if (auto m = dashRe.match(code); m.hasMatch()) setFormat(m.capturedStart(1), 1, marker_);
    for (auto it = anchorRe.globalMatch(code); it.hasNext();) {
        auto m = it.next();
        setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), anchor_);
    }
    for (auto it = scalarRe.globalMatch(code); it.hasNext();) {
        auto m = it.next();
        const QString v = m.captured(1);
        bool number = v[0].isDigit() || v[0] == QLatin1Char('-');
        setFormat(static_cast<int>(m.capturedStart(1)), static_cast<int>(m.capturedLength(1)),
                  number ? number_ : keyword_);
    }
    for (auto it = stringRe.globalMatch(code); it.hasNext();) {
        auto m = it.next();
        setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), string_);
    }
    if (auto m = keyRe.match(code); m.hasMatch())
        setFormat(static_cast<int>(m.capturedStart(2)), static_cast<int>(m.capturedLength(2)), key_);
    if (commentAt >= 0) setFormat(commentAt, static_cast<int>(text.size()) - commentAt, comment_);
}

}  // namespace hs::gui
