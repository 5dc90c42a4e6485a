#pragma once
// The items of the routing graph view: node cards, bezier edges, lane headers and the marker that
// travels along a Decision. Items are created and changed on the GUI thread only; their geometry
// comes from a finished hs::graph::Layout and is cached (paths, elided text) so panning and
// zooming only paint. Painting follows the level of detail of the view's transform: full cards
// when readable, label only when small, a plain box when tiny.

#include "app/graph/graph.h"

#include <QColor>
#include <QFont>
#include <QGraphicsItem>
#include <QPainterPath>
#include <QPalette>
#include <QString>

#include <cstdint>
#include <vector>

namespace hs::gui {

// Colours and fonts shared by every item of one view. Colours come from the widget palette (dark
// or light as the system has it) plus health colours chosen to read on both.
struct GraphStyle {
    QColor background, card, cardAlt, text, mutedText, edge, highlight, highlightText;
    QColor ok, warning, broken, inactive;
    QFont labelFont, detailFont, headerFont, badgeFont;
    bool dark = false;

    static GraphStyle fromPalette(const QPalette& palette, const QFont& base);
    QColor healthColor(hs::graph::Health h) const;
    QColor laneColor(hs::graph::Lane l) const;
};

enum class Emphasis : std::uint8_t { Normal, Lit, Dimmed };

class GraphNodeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 101 };
    GraphNodeItem(const hs::graph::GraphNode& node, std::uint32_t index, const QRectF& rect, const GraphStyle* style,
                  bool folded = false);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    const QString& id() const { return id_; }
    const QString& ns() const { return ns_; }
    const QString& label() const { return label_; }
    std::uint32_t index() const { return index_; }  // in its graph (the folded one when inFoldedSet())
    bool inFoldedSet() const { return folded_; }  // part of the zoomed-out level of detail
    hs::graph::Health health() const { return health_; }
    hs::graph::Lane lane() const { return lane_; }
    QRectF card() const { return rect_; }
    Emphasis emphasis() const { return emphasis_; }
    void setEmphasis(Emphasis e);

private:
    void elide() const;

    QString id_, ns_, label_, detail_, badge_, kind_;
    QRectF rect_;
    std::uint32_t index_;
    std::uint32_t members_;
    hs::graph::Health health_;
    hs::graph::Lane lane_;
    Emphasis emphasis_ = Emphasis::Normal;
    bool folded_;
    const GraphStyle* style_;
    mutable QString elidedLabel_, elidedDetail_, elidedBadge_;
    mutable double badgeWidth_ = 0;
    mutable bool elided_ = false;
};

class GraphEdgeItem : public QGraphicsItem {
public:
    enum { Type = UserType + 102 };
    GraphEdgeItem(const std::vector<QPointF>& route, std::uint32_t from, std::uint32_t to, hs::graph::Health health,
                  const QString& label, const GraphStyle* style);

    int type() const override { return Type; }
    QRectF boundingRect() const override { return bounds_; }
    QPainterPath shape() const override { return {}; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

    std::uint32_t from() const { return from_; }
    std::uint32_t to() const { return to_; }
    hs::graph::Health health() const { return health_; }
    Emphasis emphasis() const { return emphasis_; }
    void setEmphasis(Emphasis e);
    const QPainterPath& path() const { return path_; }
    // Far taller than a screen (a hub's fan-out): kept out of the scene, painted by a
    // LongEdgesItem.
    bool isLong() const { return !flat_.isEmpty(); }

private:
    QPainterPath path_;
    QPolygonF flat_;  // path_ flattened: long edges draw only the stretch in view
    QPolygonF arrow_;
    QPointF start_, end_, mid_;
    QRectF bounds_;
    QString label_;
    double labelWidth_ = 0;
    std::uint32_t from_, to_;
    hs::graph::Health health_;
    Emphasis emphasis_ = Emphasis::Normal;
    const GraphStyle* style_;
};

// Paints the long edges of one level of detail, which are not in the scene themselves: each of
// them in the scene costs every frame's item lookup (a linear pass) an expensive intersection
// test, and hundreds of them cross any view near a hub. It paints those visible and exposed, the
// lit ones last. Owns nothing; the edges outlive it.
class LongEdgesItem : public QGraphicsItem {
public:
    explicit LongEdgesItem(std::vector<GraphEdgeItem*> edges);
    QRectF boundingRect() const override { return bounds_; }
    QPainterPath shape() const override { return {}; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;
    const std::vector<GraphEdgeItem*>& edges() const { return edges_; }

private:
    std::vector<GraphEdgeItem*> edges_;
    QRectF bounds_;
};

class LaneHeaderItem : public QGraphicsItem {
public:
    LaneHeaderItem(const QString& title, const QRectF& rect, hs::graph::Lane lane, const GraphStyle* style);
    QRectF boundingRect() const override { return rect_; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString title_;
    QRectF rect_;
    hs::graph::Lane lane_;
    const GraphStyle* style_;
};

// The dot that travels hop to hop when a Decision is shown.
class MarkerItem : public QGraphicsItem {
public:
    explicit MarkerItem(const GraphStyle* style);
    QRectF boundingRect() const override { return {-11, -11, 22, 22}; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    const GraphStyle* style_;
};

}  // namespace hs::gui
