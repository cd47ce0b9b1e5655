#include "reports/line_plot.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"

namespace fb::reports {
namespace {

// Colour-blind-safe palette (Okabe-Ito), BGR.
const cv::Scalar kPalette[] = {{178, 114, 0}, {0, 159, 230}, {115, 158, 0}, {167, 121, 204},
                               {0, 94, 213},  {66, 228, 240}, {233, 180, 86}, {0, 0, 0}};
const cv::Scalar kInk{40, 40, 40};
const cv::Scalar kGrid{225, 225, 225};
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

struct Frame {
  int left = 80, right = 20, top = 50, bottom = 60;
  int width, height;
  double x_lo, x_hi, y_lo, y_hi;
  bool log_x;
  double MapX(double x) const {
    const double t = log_x ? (std::log10(x) - std::log10(x_lo)) / (std::log10(x_hi) - std::log10(x_lo))
                           : (x - x_lo) / (x_hi - x_lo);
    return left + t * (width - left - right);
  }
  double MapY(double y) const { return height - bottom - (y - y_lo) / (y_hi - y_lo) * (height - top - bottom); }
};

void Text(cv::Mat& image, const std::string& text, cv::Point at, double scale = 0.45, int thickness = 1) {
  cv::putText(image, text, at, kFont, scale, kInk, thickness, cv::LINE_AA);
}

void CenteredText(cv::Mat& image, const std::string& text, int cx, int y, double scale = 0.45) {
  int baseline = 0;
  const auto size = cv::getTextSize(text, kFont, scale, 1, &baseline);
  Text(image, text, {cx - size.width / 2, y}, scale);
}

std::vector<double> XTicks(const Frame& f) {
  std::vector<double> ticks;
  if (f.log_x) {
    for (int e = static_cast<int>(std::floor(std::log10(f.x_lo))); e <= std::ceil(std::log10(f.x_hi)); ++e) {
      const double v = std::pow(10.0, e);
      if (v >= f.x_lo * 0.999 && v <= f.x_hi * 1.001) ticks.push_back(v);
    }
  } else {
    for (int i = 0; i <= 5; ++i) ticks.push_back(f.x_lo + (f.x_hi - f.x_lo) * i / 5.0);
  }
  return ticks;
}

}  // namespace

void WriteLinePlotPng(const std::filesystem::path& path, const PlotSpec& spec, const std::vector<Series>& series) {
  double x_lo = INFINITY, x_hi = -INFINITY;
  for (const auto& s : series) {
    if (s.x.size() != s.y.size()) throw std::invalid_argument("plot series '" + s.label + "': x and y differ in length");
    for (double x : s.x) {
      if (spec.log_x && x <= 0) throw std::invalid_argument("plot series '" + s.label + "': log-x needs x > 0");
      x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
    }
  }
  if (!(x_lo < x_hi)) {
    x_lo = spec.log_x ? 1e-4 : 0.0;
    x_hi = spec.log_x ? 1e-2 : 1.0;
  }
  const Frame f{80, 20, 50, 60, spec.width, spec.height, x_lo, x_hi, spec.y_min, spec.y_max, spec.log_x};
  cv::Mat image(spec.height, spec.width, CV_8UC3, cv::Scalar(255, 255, 255));

  for (int i = 0; i <= 5; ++i) {
    const double y = f.y_lo + (f.y_hi - f.y_lo) * i / 5.0;
    const int py = static_cast<int>(f.MapY(y));
    cv::line(image, {f.left, py}, {f.width - f.right, py}, kGrid, 1);
    Text(image, fmt::format("{:.2g}", y), {f.left - 45, py + 5});
  }
  for (double x : XTicks(f)) {
    const int px = static_cast<int>(f.MapX(x));
    cv::line(image, {px, f.top}, {px, f.height - f.bottom}, kGrid, 1);
    CenteredText(image, fmt::format("{:g}", x), px, f.height - f.bottom + 20);
  }
  cv::rectangle(image, {f.left, f.top}, {f.width - f.right, f.height - f.bottom}, kInk, 1);
  CenteredText(image, spec.title, f.width / 2, 30, 0.6);
  CenteredText(image, spec.x_label, (f.left + f.width - f.right) / 2, f.height - 15);
  Text(image, spec.y_label, {8, f.top - 12});

  for (size_t s = 0; s < series.size(); ++s) {
    const cv::Scalar colour = kPalette[s % std::size(kPalette)];
    std::vector<cv::Point> points;
    for (size_t i = 0; i < series[s].x.size(); ++i) {
      const double y = std::clamp(series[s].y[i], f.y_lo, f.y_hi);
      points.emplace_back(static_cast<int>(f.MapX(series[s].x[i])), static_cast<int>(f.MapY(y)));
    }
    std::sort(points.begin(), points.end(), [](auto a, auto b) { return a.x < b.x; });
    if (points.size() > 1) cv::polylines(image, points, false, colour, 2, cv::LINE_AA);
    for (const auto& p : points) cv::circle(image, p, 4, colour, cv::FILLED, cv::LINE_AA);
    const int ly = f.top + 20 + static_cast<int>(s) * 20;
    cv::line(image, {f.left + 12, ly - 4}, {f.left + 36, ly - 4}, colour, 3, cv::LINE_AA);
    Text(image, series[s].label, {f.left + 42, ly});
  }

  std::vector<uchar> png;
  if (!cv::imencode(".png", image, png)) throw std::runtime_error("cannot encode PNG for '" + path.string() + "'");
  WriteFileAtomic(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

}  // namespace fb::reports
