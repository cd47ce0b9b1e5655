// A small SVG writer for the charts of the HTML report: a plot area with linear or log axes,
// ticks, grid and labels, and the few marks the charts draw. The SVG is inline text, so the
// report stays one self-contained file that needs no image decoder and no script.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fb::reports {

// Okabe-Ito, colour-blind safe; series i uses SeriesColour(i).
std::string SeriesColour(size_t index);

// &, <, >, " and ' as entities, for text and attribute values.
std::string EscapeXml(std::string_view text);

struct Axis {
  double lo = 0;
  double hi = 1;
  bool log = false;  // lo and hi must then be > 0
  std::string label;
  bool percent = false;  // tick labels as percentages of 1
};

class SvgCanvas final {
 public:
  // A width x height picture whose plot area leaves `left`/`bottom` room for tick labels.
  SvgCanvas(int width, int height, std::string title, Axis x, Axis y, int left = 70, int bottom = 50);

  double MapX(double x) const;
  double MapY(double y) const;
  double plot_left() const { return k_left_; }
  double plot_right() const { return k_width_ - k_right_; }
  double plot_bottom() const { return k_height_ - k_bottom_; }

  // Grid, ticks and tick labels of the y axis, and of the x axis unless `categorical_x`
  // (the caller labels categories with Text).
  void DrawAxes(bool categorical_x = false);
  void Line(double x1, double y1, double x2, double y2, const std::string& colour, double width = 1);
  void Rect(double x, double y, double w, double h, const std::string& colour, double opacity = 1);
  void Circle(double x, double y, double r, const std::string& colour);
  void Polyline(const std::vector<std::pair<double, double>>& points, const std::string& colour, double width = 2);
  // `anchor`: start | middle | end; `rotate` degrees about the anchor point.
  void Text(double x, double y, std::string_view text, const std::string& anchor = "start", double rotate = 0,
            int size = 12);
  // A one-row legend between the title and the plot area, colours in series order.
  void Legend(const std::vector<std::string>& labels);

  // The <svg> element, with a <title> for screen readers.
  std::string Finish() const;

 private:
  int k_width_, k_height_, k_left_, k_bottom_;
  int k_right_ = 20, k_top_ = 52;
  std::string k_title_;
  Axis k_x_, k_y_;
  std::string k_body_;
};

}  // namespace fb::reports
