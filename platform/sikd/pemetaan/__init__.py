"""Pemetaan urusan pemerintahan, every year (Perwal Bekasi 57/2023 Pasal 5–20): the TKKSD opens the
year, each Perangkat Daerah's team submits its recommendation, the TKKSD checks and returns
incomplete ones, holds the pleno, records the berita acara with the Daftar Rencana Program dan
Kegiatan Kerja Sama and its priorities, the Wali Kota's Keputusan is uploaded, and the list is
the reference new cooperation rests on (Pasal 38(1), 58(3))."""
