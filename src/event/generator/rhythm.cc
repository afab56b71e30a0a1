#include "event/generator/rhythm.h"

#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

// Activity by local hour on a working day.
constexpr double kWorkday[24] = {0.03, 0.02, 0.02, 0.02, 0.02, 0.04, 0.08, 0.22,
                                 0.6,  0.95, 1.0,  1.0,  0.75, 0.9,  1.0,  0.98,
                                 0.85, 0.6,  0.35, 0.2,  0.14, 0.1,  0.07, 0.05};

// Interpolates between hourly points so counts do not jump at the top of each hour.
double Curve(const double* points, int64_t local) {
  int64_t sec_of_day = local % kSecondsPerDay;
  if (sec_of_day < 0) sec_of_day += kSecondsPerDay;
  int hour = static_cast<int>(sec_of_day / 3600);
  double frac = static_cast<double>(sec_of_day % 3600) / 3600.0;
  return points[hour] * (1 - frac) + points[(hour + 1) % 24] * frac;
}

}  // namespace

double HumanActivity(int64_t t, int utc_offset_hours) {
  int64_t local = t + static_cast<int64_t>(utc_offset_hours) * 3600;
  CivilTime c = ToCivil(local);
  double v = Curve(kWorkday, local);
  if (c.weekday >= 5) v = 0.02 + v * 0.1;  // weekends: on-call and the odd enthusiast
  return v;
}

double MachineActivity(int64_t t, int utc_offset_hours) {
  static constexpr double kMachine[24] = {0.9,  1.1, 1.35, 1.3, 1.0, 0.8,  0.8,  0.85,
                                          0.95, 1.0, 1.05, 1.1, 1.1, 1.1,  1.1,  1.1,
                                          1.05, 1.0, 0.95, 0.9, 0.9, 0.85, 0.85, 0.85};
  int64_t local = t + static_cast<int64_t>(utc_offset_hours) * 3600;
  CivilTime c = ToCivil(local);
  double v = Curve(kMachine, local);
  if (c.weekday >= 5) v *= 0.8;
  return v < 0.6 ? 0.6 : v;
}

}  // namespace cairn::gen
