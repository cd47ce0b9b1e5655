#include "reports/svg_canvas.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace fb::reports {
namespace {

constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442",
                                    "#000000"};
constexpr const char* kInk = "#333";
constexpr const char* kGrid = "#e3e3e3";

double Fraction(const Axis& axis, double v) {
  if (axis.log) return (std::log10(v) - std::log10(axis.lo)) / (std::log10(axis.hi) - std::log10(axis.lo));
  return (v - axis.lo) / (axis.hi - axis.lo);
}

std::vector<double> Ticks(const Axis& axis) {
  std::vector<double> ticks;
  if (axis.log) {
    for (int e = static_cast<int>(std::floor(std::log10(axis.lo))); e <= std::ceil(std::log10(axis.hi)); ++e) {
      const double v = std::pow(10.0, e);
      if (v >= axis.lo * 0.999 && v <= axis.hi * 1.001) ticks.push_back(v);
    }
    if (ticks.size() >= 2) return ticks;
    ticks.clear();
  }
  // About five ticks at multiples of 1, 2 or 5 x 10^k.
  const double rough = (axis.hi - axis.lo) / 5, magnitude = std::pow(10.0, std::floor(std::log10(rough)));
  const double step = magnitude * (rough / magnitude <= 1 ? 1 : rough / magnitude <= 2 ? 2 : rough / magnitude <= 5 ? 5 : 10);
  for (double v = std::ceil(axis.lo / step - 1e-9) * step; v <= axis.hi + step * 1e-9; v += step) ticks.push_back(v == 0 ? 0.0 : v);  // no "-0"
  return ticks;
}

std::string TickLabel(const Axis& axis, double v) {
  if (axis.percent) return fmt::format("{:.0f}%", 100 * v);
  return fmt::format("{:.3g}", v);
}

}  // namespace

std::string SeriesColour(size_t index) { return kPalette[index % std::size(kPalette)]; }

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

SvgCanvas::SvgCanvas(int width, int height, std::string title, Axis x, Axis y, int left, int bottom)
    : k_width_(width), k_height_(height), k_left_(left), k_bottom_(bottom), k_title_(std::move(title)),
      k_x_(std::move(x)), k_y_(std::move(y)) {}

double SvgCanvas::MapX(double x) const { return k_left_ + Fraction(k_x_, x) * (k_width_ - k_left_ - k_right_); }

double SvgCanvas::MapY(double y) const {
  return k_height_ - k_bottom_ - Fraction(k_y_, y) * (k_height_ - k_top_ - k_bottom_);
}

void SvgCanvas::DrawAxes(bool categorical_x) {
  for (double v : Ticks(k_y_)) {
    const double y = MapY(v);
    Line(plot_left(), y, plot_right(), y, kGrid);
    Text(plot_left() - 6, y + 4, TickLabel(k_y_, v), "end");
  }
  if (!categorical_x) {
    for (double v : Ticks(k_x_)) {
      const double x = MapX(v);
      Line(x, k_top_, x, plot_bottom(), kGrid);
      Text(x, plot_bottom() + 16, TickLabel(k_x_, v), "middle");
    }
    Text((plot_left() + plot_right()) / 2, k_height_ - 8, k_x_.label, "middle");
  }
  k_body_ += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}"/>)", k_left_, k_top_,
                         plot_right() - k_left_, plot_bottom() - k_top_, kInk);
  Text(14, (k_top_ + plot_bottom()) / 2, k_y_.label, "middle", -90);
  Text(k_width_ / 2.0, 22, k_title_, "middle", 0, 15);
}

void SvgCanvas::Line(double x1, double y1, double x2, double y2, const std::string& colour, double width) {
  k_body_ += fmt::format(R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="{}"/>)",
                         x1, y1, x2, y2, colour, width);
}

void SvgCanvas::Rect(double x, double y, double w, double h, const std::string& colour, double opacity) {
  k_body_ += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}" opacity="{}"/>)", x,
                         y, std::max(0.0, w), std::max(0.0, h), colour, opacity);
}

void SvgCanvas::Circle(double x, double y, double r, const std::string& colour) {
  k_body_ += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="{}" fill="{}"/>)", x, y, r, colour);
}

void SvgCanvas::Polyline(const std::vector<std::pair<double, double>>& points, const std::string& colour,
                         double width) {
  std::string coordinates;
  for (const auto& [x, y] : points) coordinates += fmt::format("{:.1f},{:.1f} ", x, y);
  k_body_ += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="{}"/>)", coordinates, colour,
                         width);
}

void SvgCanvas::Text(double x, double y, std::string_view text, const std::string& anchor, double rotate, int size) {
  const std::string transform = rotate != 0 ? fmt::format(R"svg( transform="rotate({} {:.1f} {:.1f})")svg", rotate, x, y) : "";
  k_body_ += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="{}" font-size="{}" fill="{}"{}>{}</text>)", x, y,
                         anchor, size, kInk, transform, EscapeXml(text));
}

void SvgCanvas::Legend(const std::vector<std::string>& labels) {
  double x = plot_left();
  for (size_t i = 0; i < labels.size(); ++i) {
    Rect(x, 31, 14, 10, SeriesColour(i));
    Text(x + 19, 40, labels[i]);
    x += 40 + 6.5 * static_cast<double>(labels[i].size());
  }
}

std::string SvgCanvas::Finish() const {
  return fmt::format(
      R"(<svg width="{}" height="{}" viewBox="0 0 {} {}" role="img" font-family="sans-serif"><title>{}</title><rect width="100%" height="100%" fill="white"/>{}</svg>)",
      k_width_, k_height_, k_width_, k_height_, EscapeXml(k_title_), k_body_);
}

}  // namespace fb::reports
