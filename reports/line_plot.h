// Small line plots rendered to PNG with OpenCV (no plotting stack on the target machine):
// axes, grid, optional log-x, one coloured series per tokenizer or policy, a legend.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fb::reports {

struct Series {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;  // same length as x
};

struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log_x = false;
  double y_min = 0.0;
  double y_max = 1.0;
  int width = 800;
  int height = 500;
};

// Renders and writes the PNG atomically. Throws std::runtime_error naming the path on
// failure, std::invalid_argument on series of unequal length or non-positive log-x values.
void WriteLinePlotPng(const std::filesystem::path& path, const PlotSpec& spec, const std::vector<Series>& series);

}  // namespace fb::reports
