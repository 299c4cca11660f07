/* Writes the EDF+ fixture of main/references/edf-reader.test.ts with EDFlib (Teuniz; Debian's libedf-dev), a writer
 * independent of ours, and what EDFlib's own reader reads back from it (expected.json): a synthetic ECG with known
 * R-peak times and a pleth channel. Build and run from the repository root:
 *   cc scripts/reference-fixtures/write-edf.c -ledf -lm -o /tmp/write-edf && /tmp/write-edf main/references/fixtures
 */
#include <edflib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define SECONDS 30
#define ECG_FS 250
#define PPG_FS 100

static double beats[64];
static int nbeats = 0;

/* A P-QRS-T complex as Gaussian bumps around each beat time (shape after McSharry et al. 2003, simplified). */
static double ecg_at(double t) {
  double v = 0;
  for (int k = 0; k < nbeats; k++) {
    double d = t - beats[k];
    v += 0.12 * exp(-pow((d + 0.2) / 0.025, 2)) - 0.1 * exp(-pow((d + 0.03) / 0.01, 2)) + 1.1 * exp(-pow(d / 0.012, 2))
       - 0.2 * exp(-pow((d - 0.03) / 0.01, 2)) + 0.3 * exp(-pow((d - 0.28) / 0.06, 2));
  }
  return v + 0.05 * sin(2 * M_PI * 0.3 * t);
}

static double ppg_at(double t) {
  double v = 0;
  for (int k = 0; k < nbeats; k++) {
    double d = t - beats[k] - 0.25; /* pulse arrives after the R peak */
    if (d > -0.2) v += exp(-pow(d / 0.12, 2)) + 0.3 * exp(-pow((d - 0.3) / 0.1, 2));
  }
  return v;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char path[512];
  /* RR intervals vary between 0.7 and 1.0 s (60–86 bpm). */
  for (double t = 0.5; t < SECONDS - 0.3; nbeats++) {
    beats[nbeats] = t;
    t += 0.85 + 0.15 * sin(nbeats * 0.9);
  }
  snprintf(path, sizeof path, "%s/ecg-pleth.edf", dir);
  int h = edfopen_file_writeonly(path, EDFLIB_FILETYPE_EDFPLUS, 2);
  if (h < 0) { fprintf(stderr, "cannot write %s\n", path); return 1; }
  edf_set_samplefrequency(h, 0, ECG_FS);
  edf_set_samplefrequency(h, 1, PPG_FS);
  for (int s = 0; s < 2; s++) {
    edf_set_digital_maximum(h, s, 32767);
    edf_set_digital_minimum(h, s, -32768);
  }
  edf_set_physical_maximum(h, 0, 3.0);
  edf_set_physical_minimum(h, 0, -3.0);
  edf_set_physical_maximum(h, 1, 2.0);
  edf_set_physical_minimum(h, 1, -1.0);
  edf_set_label(h, 0, "ECG II");
  edf_set_label(h, 1, "Pleth");
  edf_set_physical_dimension(h, 0, "mV");
  edf_set_physical_dimension(h, 1, "a.u.");
  edf_set_startdatetime(h, 2026, 3, 14, 9, 30, 0);
  double ecg[ECG_FS], ppg[PPG_FS];
  for (int sec = 0; sec < SECONDS; sec++) {
    for (int i = 0; i < ECG_FS; i++) ecg[i] = ecg_at(sec + (double)i / ECG_FS);
    for (int i = 0; i < PPG_FS; i++) ppg[i] = ppg_at(sec + (double)i / PPG_FS);
    edfwrite_physical_samples(h, ecg);
    edfwrite_physical_samples(h, ppg);
  }
  edfwrite_annotation_utf8(h, 50000, -1, "baseline"); /* onset in units of 100 µs: 5 s */
  edfclose_file(h);

  struct edf_hdr_struct hdr;
  if (edfopen_file_readonly(path, &hdr, EDFLIB_READ_ALL_ANNOTATIONS) < 0) { fprintf(stderr, "EDFlib cannot read it back\n"); return 1; }
  double first[2][5];
  for (int s = 0; s < 2; s++) {
    edfseek(hdr.handle, s, 100, EDFSEEK_SET);
    edfread_physical_samples(hdr.handle, s, 5, first[s]);
  }
  snprintf(path, sizeof path, "%s/ecg-pleth.expected.json", dir);
  FILE *out = fopen(path, "w");
  fprintf(out, "{\n \"signals\": [\n");
  for (int s = 0; s < 2; s++) {
    struct edf_param_struct *p = &hdr.signalparam[s];
    fprintf(out, "  {\"label\": \"%s\", \"samples\": %lld, \"fs\": %d, \"physMax\": %g, \"physMin\": %g, \"dimension\": \"%s\", \"samplesFrom100\": [%.9g, %.9g, %.9g, %.9g, %.9g]}%s\n",
            p->label, p->smp_in_file, p->smp_in_datarecord, p->phys_max, p->phys_min, p->physdimension,
            first[s][0], first[s][1], first[s][2], first[s][3], first[s][4], s ? "" : ",");
  }
  /* Trailing spaces of EDFlib's fixed-width strings are trimmed by the JSON reader's test. */
  fprintf(out, " ],\n \"records\": %lld,\n \"beats\": [", hdr.datarecords_in_file);
  for (int k = 0; k < nbeats; k++) fprintf(out, "%s%.6f", k ? ", " : "", beats[k]);
  fprintf(out, "]\n}\n");
  fclose(out);
  edfclose_file(hdr.handle);
  return 0;
}
