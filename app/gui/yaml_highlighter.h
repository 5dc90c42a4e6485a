#pragma once
// Colours YAML line by line: comments, keys, document markers, list dashes, quoted strings,
// numbers and booleans, anchors and tags. Good enough for Kubernetes manifests; a line-based
// approximation, not a YAML parser (block scalars are coloured as plain text).

#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace hs::gui {

class YamlHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
public:
    explicit YamlHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;

private:
    QTextCharFormat key_, comment_, string_, number_, keyword_, marker_, anchor_;
};

}  // namespace hs::gui
