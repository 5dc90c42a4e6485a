#include "app/gui/graph_items.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <algorithm>
#include <cmath>

namespace hs::gui {

using hs::graph::Health;
using hs::graph::Lane;

namespace {

// Below this level of detail a card is a plain box and an edge a straight hairline.
constexpr double kTinyLod = 0.22;
// Below this only the label is drawn; from it on the detail line too.
constexpr double kLabelLod = 0.5;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(static_cast<float>(a.redF() * (1 - t) + b.redF() * t),
                            static_cast<float>(a.greenF() * (1 - t) + b.greenF() * t),
                            static_cast<float>(a.blueF() * (1 - t) + b.blueF() * t),
                            static_cast<float>(a.alphaF() * (1 - t) + b.alphaF() * t));
}

// Liang–Barsky: the part of segment a-b inside r; false when none.
bool clipSegment(QPointF& a, QPointF& b, const QRectF& r) {
    double t0 = 0, t1 = 1;
    const double dx = b.x() - a.x(), dy = b.y() - a.y();
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {a.x() - r.left(), r.right() - a.x(), a.y() - r.top(), r.bottom() - a.y()};
    for (int i = 0; i < 4; ++i) {
        if (p[i] == 0) {
            if (q[i] < 0) return false;
            continue;
        }
        const double t = q[i] / p[i];
        if (p[i] < 0)
            t0 = std::max(t0, t);
        else
            t1 = std::min(t1, t);
        if (t0 > t1) return false;
    }
    const QPointF start = a;
    a = start + QPointF(dx * t0, dy * t0);
    b = start + QPointF(dx * t1, dy * t1);
    return true;
}

QColor withAlpha(QColor c, double a) {
    c.setAlphaF(static_cast<float>(c.alphaF() * a));
    return c;
}

QString kindLetter(const hs::graph::GraphNode& n) {
    switch (n.lane) {
    case Lane::Entry: return n.detail == "Gateway" ? QStringLiteral("G") : QStringLiteral("C");
    case Lane::Route: return n.detail.rfind("HTTPRoute", 0) == 0 ? QStringLiteral("H") : QStringLiteral("I");
    case Lane::Rule: return QStringLiteral("R");
    case Lane::Service: return QStringLiteral("S");
    case Lane::Slice: return QStringLiteral("E");
    case Lane::Pod:
        return n.members > 1                  ? QStringLiteral("×")
            : n.id.rfind("Endpoint/", 0) == 0 ? QStringLiteral("@")
                                              : QStringLiteral("P");
    case Lane::Node: return QStringLiteral("N");
    }
    return QStringLiteral("?");
}

}  // namespace

GraphStyle GraphStyle::fromPalette(const QPalette& p, const QFont& base) {
    GraphStyle s;
    s.background = p.color(QPalette::Base);
    s.dark = s.background.lightnessF() < 0.5;
    s.text = p.color(QPalette::Text);
    s.card = s.dark ? s.background.lighter(135) : p.color(QPalette::Base);
    s.cardAlt = mix(s.background, s.text, s.dark ? 0.10 : 0.04);
    if (!s.dark) s.background = mix(p.color(QPalette::Base), p.color(QPalette::Window), 0.6);
    s.mutedText = mix(s.text, s.background, 0.40);
    s.edge = mix(s.text, s.background, s.dark ? 0.55 : 0.60);
    s.highlight = p.color(QPalette::Highlight);
    s.highlightText = p.color(QPalette::HighlightedText);
    // Health colours with enough contrast on light and dark backgrounds alike.
    s.ok = QColor(0x2e, 0xa0, 0x5a);
    s.warning = QColor(0xe0, 0x8e, 0x0b);
    s.broken = QColor(0xe0, 0x3e, 0x3e);
    s.inactive = mix(s.text, s.background, 0.55);
    s.labelFont = base;
    s.labelFont.setBold(true);
    s.detailFont = base;
    s.detailFont.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.88 : 8);
    s.headerFont = base;
    s.headerFont.setBold(true);
    s.headerFont.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 1.15 : 11);
    s.headerFont.setCapitalization(QFont::AllUppercase);
    s.headerFont.setLetterSpacing(QFont::PercentageSpacing, 108);
    s.badgeFont = base;
    s.badgeFont.setBold(true);
    s.badgeFont.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.8 : 7);
    return s;
}

QColor GraphStyle::healthColor(Health h) const {
    switch (h) {
    case Health::Ok: return ok;
    case Health::Warning: return warning;
    case Health::Broken: return broken;
    case Health::Inactive: return inactive;
    }
    return ok;
}

QColor GraphStyle::laneColor(Lane l) const {
    switch (l) {
    case Lane::Entry: return QColor(0x8e, 0x6c, 0xef);  // violet
    case Lane::Route: return QColor(0x3b, 0x82, 0xf6);  // blue
    case Lane::Rule: return QColor(0x0e, 0xa5, 0xb0);  // teal
    case Lane::Service: return QColor(0x22, 0xa0, 0x55);  // green
    case Lane::Slice: return QColor(0x84, 0x9a, 0x2a);  // olive
    case Lane::Pod: return QColor(0xd9, 0x7a, 0x1c);  // orange
    case Lane::Node: return QColor(0x8a, 0x8a, 0x8a);  // grey
    }
    return edge;
}

// --- GraphNodeItem ---

GraphNodeItem::GraphNodeItem(const hs::graph::GraphNode& n, std::uint32_t index, const QRectF& rect,
                             const GraphStyle* style, bool folded)
    : id_(QString::fromStdString(n.id)),
      ns_(QString::fromStdString(n.ns)),
      label_(QString::fromStdString(n.label)),
      detail_(QString::fromStdString(n.detail)),
      kind_(kindLetter(n)),
      rect_(rect),
      index_(index),
      members_(n.members),
      health_(n.health),
      lane_(n.lane),
      folded_(folded),
      style_(style) {
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(false);
    // Pods show their Node as a badge: the last "· node" part of the detail line.
    if (n.lane == Lane::Pod && n.members <= 1) {
        auto parts = detail_.split(QStringLiteral(" · "));
        parts.removeAll(QStringLiteral("synthetic"));
        if (parts.size() >= 2) {
            badge_ = parts.takeLast();
            detail_ = parts.join(QStringLiteral(" · "));
        }
    }
    QString tip = QStringLiteral("<b>%1</b><br>%2").arg(label_.toHtmlEscaped(), id_.toHtmlEscaped());
    if (!n.detail.empty()) tip += QStringLiteral("<br>") + QString::fromStdString(n.detail).toHtmlEscaped();
    if (n.health != Health::Ok) {
        tip += QStringLiteral("<br><b>%1</b>").arg(QString::fromUtf8(hs::graph::healthName(n.health)));
        if (!n.healthReason.empty())
            tip += QStringLiteral(": ") + QString::fromStdString(n.healthReason).toHtmlEscaped();
    }
    setToolTip(tip);
}

QRectF GraphNodeItem::boundingRect() const { return rect_.adjusted(-4, -4, 4, 4); }

QPainterPath GraphNodeItem::shape() const {
    QPainterPath p;
    p.addRect(rect_);
    return p;
}

void GraphNodeItem::setEmphasis(Emphasis e) {
    if (e == emphasis_) return;
    emphasis_ = e;
    update();
}

void GraphNodeItem::elide() const {
    if (elided_) return;
    elided_ = true;
    double textWidth = rect_.width() - 36;
    if (!badge_.isEmpty()) textWidth -= 0;  // the badge sits on the border, not in the text
    elidedLabel_ = QFontMetricsF(style_->labelFont).elidedText(label_, Qt::ElideMiddle, textWidth);
    elidedDetail_ = QFontMetricsF(style_->detailFont).elidedText(detail_, Qt::ElideRight, textWidth);
    if (!badge_.isEmpty()) {
        const QFontMetricsF fm(style_->badgeFont);
        badgeWidth_ = std::min(fm.horizontalAdvance(badge_) + 12, rect_.width() * 0.6);
        elidedBadge_ = fm.elidedText(badge_, Qt::ElideRight, badgeWidth_ - 10);
    }
}

void GraphNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const GraphStyle& s = *style_;
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const double fade = emphasis_ == Emphasis::Dimmed ? 0.28 : 1.0;
    const QColor accent = s.laneColor(lane_);
    QColor border = health_ == Health::Ok ? mix(s.edge, accent, 0.35) : s.healthColor(health_);
    if (emphasis_ == Emphasis::Lit) border = s.highlight;
    if (isSelected()) border = s.highlight;

    if (lod < kTinyLod) {
        painter->fillRect(
            rect_,
            withAlpha(health_ == Health::Ok && emphasis_ != Emphasis::Lit && !isSelected() ? accent : border, fade));
        return;
    }

    painter->setRenderHint(QPainter::Antialiasing, true);
    const double radius = 7;
    if (members_ > 1) {  // a folded group: two cards peeking out behind
        painter->setPen(QPen(withAlpha(border, 0.5 * fade), 1));
        painter->setBrush(withAlpha(s.cardAlt, fade));
        painter->drawRoundedRect(rect_.translated(6, 6), radius, radius);
        painter->drawRoundedRect(rect_.translated(3, 3), radius, radius);
    }
    QPen pen(withAlpha(border, fade),
             health_ == Health::Broken || emphasis_ == Emphasis::Lit || isSelected() ? 2.2 : 1.2);
    if (health_ == Health::Inactive) pen.setStyle(Qt::DashLine);
    if (health_ == Health::Broken) pen.setStyle(Qt::DashLine), pen.setDashPattern({4, 2.5});
    painter->setPen(pen);
    QColor fill = health_ == Health::Inactive ? s.cardAlt : s.card;
    if (health_ == Health::Broken) fill = mix(s.card, s.broken, s.dark ? 0.18 : 0.08);
    if (emphasis_ == Emphasis::Lit) fill = mix(fill, s.highlight, s.dark ? 0.25 : 0.12);
    painter->setBrush(withAlpha(fill, fade));
    painter->drawRoundedRect(rect_, radius, radius);

    // Kind icon: a small rounded square in the lane colour with a letter.
    QRectF icon(rect_.left() + 7, rect_.center().y() - 8, 16, 16);
    painter->setPen(Qt::NoPen);
    painter->setBrush(withAlpha(accent, fade));
    painter->drawRoundedRect(icon, 4, 4);
    if (lod < kLabelLod) {
        // Label only, centred vertically.
        elide();
        painter->setFont(s.labelFont);
        painter->setPen(withAlpha(s.text, fade));
        painter->drawText(QRectF(rect_.left() + 28, rect_.top(), rect_.width() - 36, rect_.height()),
                          Qt::AlignVCenter | Qt::AlignLeft, elidedLabel_);
        return;
    }
    painter->setFont(s.badgeFont);
    painter->setPen(withAlpha(QColor(Qt::white), fade));
    painter->drawText(icon, Qt::AlignCenter, kind_);

    elide();
    const bool twoLines = !detail_.isEmpty();
    const double lineH = 16;
    const double top = twoLines ? rect_.center().y() - lineH : rect_.center().y() - lineH / 2;
    painter->setFont(s.labelFont);
    painter->setPen(withAlpha(s.text, fade));
    painter->drawText(QRectF(rect_.left() + 28, top, rect_.width() - 36, lineH), Qt::AlignVCenter | Qt::AlignLeft,
                      elidedLabel_);
    if (twoLines) {
        painter->setFont(s.detailFont);
        painter->setPen(withAlpha(s.mutedText, fade));
        painter->drawText(QRectF(rect_.left() + 28, top + lineH, rect_.width() - 36, lineH),
                          Qt::AlignVCenter | Qt::AlignLeft, elidedDetail_);
    }
    // Health dot in the top-right corner when not Ok.
    if (health_ != Health::Ok) {
        painter->setPen(QPen(withAlpha(s.card, fade), 1.5));
        painter->setBrush(withAlpha(s.healthColor(health_), fade));
        painter->drawEllipse(QPointF(rect_.right() - 1, rect_.top() + 1), 5, 5);
    }
    // The Node a Pod runs on, as a pill on the bottom border.
    if (!badge_.isEmpty()) {
        const double w = badgeWidth_;
        QRectF pill(rect_.right() - w - 8, rect_.bottom() - 7, w, 14);
        painter->setPen(QPen(withAlpha(mix(s.edge, accent, 0.3), fade), 1));
        painter->setBrush(withAlpha(s.cardAlt, fade));
        painter->drawRoundedRect(pill, 7, 7);
        painter->setFont(s.badgeFont);
        painter->setPen(withAlpha(s.mutedText, fade));
        painter->drawText(pill, Qt::AlignCenter, elidedBadge_);
    }
}

// --- GraphEdgeItem ---

GraphEdgeItem::GraphEdgeItem(const std::vector<QPointF>& route, std::uint32_t from, std::uint32_t to, Health health,
                             const QString& label, const GraphStyle* style)
    : label_(label), from_(from), to_(to), health_(health), style_(style) {
    setFlag(ItemIsSelectable, false);
    setAcceptedMouseButtons(Qt::NoButton);
    if (route.size() >= 2) {
        start_ = route.front();
        end_ = route.back();
        path_.moveTo(route.front());
        for (std::size_t i = 1; i < route.size(); ++i) {
            QPointF a = route[i - 1], b = route[i];
            double dx = std::max(20.0, (b.x() - a.x()) * 0.5);
            if (b.x() < a.x()) dx = std::max(40.0, (a.x() - b.x()) * 0.3);  // a back edge loops round
            path_.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b);
        }
        // Arrow head pointing right into the target's left side.
        arrow_ << end_ << end_ + QPointF(-8, -4) << end_ + QPointF(-8, 4);
        mid_ = path_.pointAtPercent(0.5);
    }
    bounds_ = path_.boundingRect().adjusted(-4, -6, 4, 6);
    // An edge far taller than a screen (a hub's fan-out across the whole graph) is stroked only
    // where it is exposed: stroking all of it every frame is what makes panning slow.
    if (bounds_.height() > 600) {
        flat_ = path_.toFillPolygon();
        if (flat_.size() > 1 && flat_.first() == flat_.last()) flat_.removeLast();
        setFlag(ItemUsesExtendedStyleOption);
    }
    if (!label_.isEmpty()) {
        labelWidth_ = QFontMetricsF(style_->badgeFont).horizontalAdvance(label_) + 10;
        bounds_ = bounds_.united(QRectF(mid_.x() - labelWidth_ / 2, mid_.y() - 9, labelWidth_, 18));
        setToolTip(label_);
    }
    if (health_ == Health::Broken) setToolTip(QStringLiteral("broken: leads to a node that cannot serve"));
    setZValue(-1);
}

void GraphEdgeItem::setEmphasis(Emphasis e) {
    if (e == emphasis_) return;
    emphasis_ = e;
    setZValue(e == Emphasis::Lit ? -0.5 : -1);
    update();
}

void GraphEdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*) {
    const GraphStyle& s = *style_;
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const double fade = emphasis_ == Emphasis::Dimmed ? 0.18 : 1.0;
    QColor c = health_ == Health::Ok ? s.edge : s.healthColor(health_);
    if (emphasis_ == Emphasis::Lit) c = s.highlight;
    c = withAlpha(c, fade);
    if (lod < kTinyLod) {
        QPen pen(c, 0);  // cosmetic hairline
        painter->setPen(pen);
        painter->drawLine(start_, end_);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    QPen pen(c, emphasis_ == Emphasis::Lit ? 2.6 : health_ == Health::Broken ? 1.8 : 1.3);
    if (health_ == Health::Broken) pen.setDashPattern({5, 3});
    if (health_ == Health::Inactive) pen.setDashPattern({2, 3});
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    // What is exposed: the update region in a paint event; in QGraphicsView::render() and
    // QGraphicsScene::render() exposedRect is the whole item, and the painter's clip says more.
    // The device's own rectangle bounds both: a line drawn far beyond it still costs the raster
    // engine every scanline it spans.
    QRectF exposed = option->exposedRect;
    if (painter->hasClipping()) exposed &= painter->clipBoundingRect();
    if (const QPaintDevice* device = painter->device(); device && device->width() > 0) {
        bool invertible = false;
        const QTransform toItem = painter->worldTransform().inverted(&invertible);
        if (invertible) exposed &= toItem.mapRect(QRectF(0, 0, device->width(), device->height()));
    }
    exposed.adjust(-8, -8, 8, 8);
    if (!flat_.isEmpty() && !exposed.contains(bounds_)) {
        // A cosmetic pen at most 1 px wide takes the raster engine's line fast path (wider, even
        // 1.3 px, it is stroked into an outline and filled: most of a 1:1 frame with a hub's
        // ~400 edges crossing it). Within half a pixel of the scaled width it is drawn 1 px; a
        // lit edge keeps its weight.
        QPen cosmetic = pen;
        cosmetic.setCosmetic(true);
        const double width = pen.widthF() * lod;
        cosmetic.setWidthF(width < 1.5 ? 1.0 : std::min(width, 3.0));
        painter->setPen(cosmetic);
        painter->setRenderHint(QPainter::Antialiasing, false);
        // Runs of segments, each clipped to what is exposed.
        QPolygonF run;
        for (qsizetype i = 1; i < flat_.size(); ++i) {
            QPointF a = flat_[i - 1], b = flat_[i];
            const bool inside = clipSegment(a, b, exposed);
            if (inside) {
                if (run.isEmpty() || run.last() != a) {
                    if (run.size() > 1) painter->drawPolyline(run);
                    run.clear();
                    run << a;
                }
                run << b;
            }
        }
        if (run.size() > 1) painter->drawPolyline(run);
        painter->setRenderHint(QPainter::Antialiasing, true);
    } else {
        // The same rule for a whole edge: within half a pixel of 1 px on screen, an unlit edge is
        // drawn with a 1 px cosmetic pen, which the raster engine's cosmetic stroker draws
        // directly (antialiased); a wider pen is stroked into an outline and filled.
        if (emphasis_ != Emphasis::Lit && pen.widthF() * lod < 1.5) {
            QPen thin = pen;
            thin.setCosmetic(true);
            thin.setWidthF(1.0);
            painter->setPen(thin);
        }
        painter->drawPath(path_);
    }
    painter->setPen(Qt::NoPen);
    painter->setBrush(c);
    if (exposed.contains(end_)) painter->drawPolygon(arrow_);
    const QRectF r(mid_.x() - labelWidth_ / 2, mid_.y() - 8, labelWidth_, 16);
    if (!label_.isEmpty() && lod >= kLabelLod && exposed.intersects(r)) {
        painter->setPen(QPen(c, 1));
        painter->setBrush(withAlpha(s.background, fade));
        painter->drawRoundedRect(r, 8, 8);
        painter->setFont(s.badgeFont);
        painter->setPen(withAlpha(s.mutedText, fade));
        painter->drawText(r, Qt::AlignCenter, label_);
    }
}

// --- LongEdgesItem ---

LongEdgesItem::LongEdgesItem(std::vector<GraphEdgeItem*> edges) : edges_(std::move(edges)) {
    setAcceptedMouseButtons(Qt::NoButton);
    setFlag(ItemUsesExtendedStyleOption);  // only the exposed part is asked for
    for (const GraphEdgeItem* e : edges_) bounds_ |= e->boundingRect();
    setZValue(-1);
}

void LongEdgesItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) {
    QRectF exposed = option->exposedRect;
    if (painter->hasClipping()) exposed &= painter->clipBoundingRect();
    QStyleOptionGraphicsItem edgeOption(*option);
    for (int pass = 0; pass < 2; ++pass)
        for (GraphEdgeItem* e : edges_) {
            if (!e->isVisible() || (e->emphasis() == Emphasis::Lit) != (pass == 1)) continue;
            const QRectF r = e->boundingRect() & exposed;
            if (r.isEmpty()) continue;
            edgeOption.exposedRect = r;
            e->paint(painter, &edgeOption, widget);
        }
}

// --- LaneHeaderItem ---

LaneHeaderItem::LaneHeaderItem(const QString& title, const QRectF& rect, Lane lane, const GraphStyle* style)
    : title_(title), rect_(rect), lane_(lane), style_(style) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(-2);
}

void LaneHeaderItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    const GraphStyle& s = *style_;
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor accent = s.laneColor(lane_);
    painter->setPen(Qt::NoPen);
    painter->setBrush(mix(s.background, accent, s.dark ? 0.22 : 0.12));
    painter->drawRoundedRect(rect_, 8, 8);
    painter->setBrush(accent);
    painter->drawRoundedRect(QRectF(rect_.left(), rect_.bottom() - 4, rect_.width(), 4), 2, 2);
    painter->setFont(s.headerFont);
    painter->setPen(s.dark ? s.text : mix(s.text, accent, 0.35));
    painter->drawText(rect_.adjusted(0, 0, 0, -4), Qt::AlignCenter, title_);
}

// --- MarkerItem ---

MarkerItem::MarkerItem(const GraphStyle* style) : style_(style) {
    setAcceptedMouseButtons(Qt::NoButton);
    setZValue(10);
}

void MarkerItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*) {
    painter->setRenderHint(QPainter::Antialiasing, true);
    QColor glow = style_->highlight;
    glow.setAlphaF(0.35f);
    painter->setPen(Qt::NoPen);
    painter->setBrush(glow);
    painter->drawEllipse(QPointF(0, 0), 10, 10);
    painter->setPen(QPen(style_->card, 2));
    painter->setBrush(style_->highlight);
    painter->drawEllipse(QPointF(0, 0), 6, 6);
}

}  // namespace hs::gui
