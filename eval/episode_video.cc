#include "eval/episode_video.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/atomic_file.h"

namespace fb::eval {

std::vector<bool> SelectVideoEpisodes(const std::vector<envs::EpisodeId>& episodes, int per_task) {
  std::map<std::string, std::vector<size_t>> by_task;
  for (size_t p = 0; p < episodes.size(); ++p) {
    const auto& id = episodes[p];
    by_task[id.suite + "/" + id.task + "/" + id.split + "/" + id.embodiment].push_back(p);
  }
  std::vector<bool> selected(episodes.size(), false);
  for (auto& [task, positions] : by_task) {
    std::stable_sort(positions.begin(), positions.end(),
                     [&](size_t a, size_t b) { return episodes[a].init_index < episodes[b].init_index; });
    const size_t take = std::min(positions.size(), static_cast<size_t>(std::max(per_task, 0)));
    for (size_t k = 0; k < take; ++k) selected[positions[k]] = true;
  }
  return selected;
}

std::filesystem::path EpisodeVideoPath(const envs::EpisodeId& id) {
  return std::filesystem::path("videos") / id.suite / id.task / id.split / id.embodiment /
         fmt::format("init{}-seed{}.mp4", id.init_index, id.seed);
}

void WriteEpisodeVideo(const std::vector<envs::RgbImage>& frames, double fps, const std::filesystem::path& path) {
  if (frames.empty()) throw std::runtime_error("no frames for video '" + path.string() + "'");
  std::filesystem::create_directories(path.parent_path());
  // Same extension as the target, so OpenCV picks the same container.
  const auto temp = path.parent_path() / (".tmp." + std::to_string(::getpid()) + "." + path.filename().string());
  const cv::Size size(frames.front().width, frames.front().height);
  cv::VideoWriter writer;
  if (!writer.open(temp.string(), cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, size, true) || !writer.isOpened()) {
    throw std::runtime_error("cannot open an MP4 (mp4v) writer for '" + path.string() + "'");
  }
  cv::Mat bgr;
  for (const auto& frame : frames) {
    const cv::Mat rgb(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.pixels.data()));
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    writer.write(bgr);
  }
  writer.release();
  std::error_code size_error;
  if (std::filesystem::file_size(temp, size_error) == 0 || size_error) {
    std::filesystem::remove(temp, size_error);
    throw std::runtime_error("the video writer produced no data for '" + path.string() + "'");
  }
  SyncPath(temp);
  std::filesystem::rename(temp, path);
}

}  // namespace fb::eval
