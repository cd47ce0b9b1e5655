#include "reports/heat_map.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_file.h"

namespace fb::reports {
namespace {

constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
const cv::Scalar kInk{40, 40, 40};

int TextWidth(const std::string& text, double scale) {
  int baseline = 0;
  return cv::getTextSize(text, kFont, scale, 1, &baseline).width;
}

}  // namespace

void WriteHeatMapPng(const std::filesystem::path& path, const HeatMapSpec& spec) {
  if (spec.values.size() != spec.rows.size()) throw std::invalid_argument("heat map: one value row per row label");
  for (const auto& row : spec.values) {
    if (row.size() != spec.columns.size()) throw std::invalid_argument("heat map: one value per column label");
  }
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& row : spec.values) {
    for (double v : row) {
      if (std::isnan(v)) continue;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  constexpr double kScale = 0.45;
  int label_width = TextWidth(spec.row_label, kScale);
  for (const auto& r : spec.rows) label_width = std::max(label_width, TextWidth(r, kScale));
  int cell_width = 110;
  for (const auto& c : spec.columns) cell_width = std::max(cell_width, TextWidth(c, kScale) + 16);
  const int cell_height = 44, left = label_width + 24, top = 80;
  const int width = left + cell_width * static_cast<int>(spec.columns.size()) + 20;
  const int height = top + cell_height * static_cast<int>(spec.rows.size()) + 20;
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(255, 255, 255));

  cv::putText(image, spec.title, {12, 26}, kFont, 0.6, kInk, 1, cv::LINE_AA);
  cv::putText(image, spec.column_label + " ->", {left, 52}, kFont, kScale, kInk, 1, cv::LINE_AA);
  cv::putText(image, spec.row_label, {12, top - 8}, kFont, kScale, kInk, 1, cv::LINE_AA);
  for (size_t c = 0; c < spec.columns.size(); ++c) {
    cv::putText(image, spec.columns[c], {left + static_cast<int>(c) * cell_width + 8, top - 8}, kFont, kScale, kInk, 1,
                cv::LINE_AA);
  }
  for (size_t r = 0; r < spec.rows.size(); ++r) {
    const int y = top + static_cast<int>(r) * cell_height;
    cv::putText(image, spec.rows[r], {12, y + cell_height / 2 + 5}, kFont, kScale, kInk, 1, cv::LINE_AA);
    for (size_t c = 0; c < spec.columns.size(); ++c) {
      const double v = spec.values[r][c];
      const cv::Rect cell(left + static_cast<int>(c) * cell_width, y, cell_width - 2, cell_height - 2);
      cv::Scalar colour(200, 200, 200);
      cv::Scalar text_colour = kInk;
      if (!std::isnan(v)) {
        // Log scale: errors span orders of magnitude across held-out sets.
        const double t = hi > lo ? (std::log(v) - std::log(lo)) / (std::log(hi) - std::log(lo)) : 0.0;
        const double goodness = spec.lower_is_better ? 1.0 - t : t;
        cv::Mat level(1, 1, CV_8UC1, cv::Scalar(static_cast<int>(std::clamp(goodness, 0.0, 1.0) * 255)));
        cv::Mat mapped;
        cv::applyColorMap(level, mapped, cv::COLORMAP_VIRIDIS);
        const auto bgr = mapped.at<cv::Vec3b>(0, 0);
        colour = cv::Scalar(bgr[0], bgr[1], bgr[2]);
        text_colour = goodness > 0.6 ? kInk : cv::Scalar(255, 255, 255);
      }
      cv::rectangle(image, cell, colour, cv::FILLED);
      const std::string text = std::isnan(v) ? "n/a" : fmt::format("{:.4g}", v);
      cv::putText(image, text, {cell.x + (cell.width - TextWidth(text, kScale)) / 2, cell.y + cell.height / 2 + 5},
                  kFont, kScale, text_colour, 1, cv::LINE_AA);
    }
  }
  std::vector<uchar> png;
  if (!cv::imencode(".png", image, png)) throw std::runtime_error("cannot encode PNG for '" + path.string() + "'");
  WriteFileAtomic(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

}  // namespace fb::reports
