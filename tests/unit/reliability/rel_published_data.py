"""Published reliability datasets used as test fixtures (figures only, typed in by hand)."""

N = None

# Fleiss (1971), Psychological Bulletin 76:378-382, Table 1: 30 patients, 6 psychiatrists each,
# 5 diagnoses. Transcribed as raw ratings in R package irr (dataset `diagnoses`); row order as
# there. The first 15 rows equal Gwet's irrCAC dataset `distrib.6raters` (counts per category).
DIAGNOSES = ("Depression", "Personality Disorder", "Schizophrenia", "Neurosis", "Other")
_D, _P, _S, _N, _O = DIAGNOSES
FLEISS_1971 = [
    [_N, _N, _N, _N, _N, _N],
    [_P, _P, _P, _O, _O, _O],
    [_P, _S, _S, _S, _S, _O],
    [_O, _O, _O, _O, _O, _O],
    [_P, _P, _P, _N, _N, _N],
    [_D, _D, _S, _S, _S, _S],
    [_S, _S, _S, _S, _O, _O],
    [_D, _D, _S, _S, _S, _N],
    [_D, _D, _N, _N, _N, _N],
    [_O, _O, _O, _O, _O, _O],
    [_D, _N, _N, _N, _N, _N],
    [_D, _P, _N, _N, _N, _N],
    [_P, _P, _P, _S, _S, _S],
    [_D, _N, _N, _N, _N, _N],
    [_P, _P, _N, _N, _N, _O],
    [_S, _S, _S, _S, _S, _O],
    [_D, _D, _D, _N, _O, _O],
    [_D, _D, _D, _D, _D, _P],
    [_P, _P, _N, _N, _N, _N],
    [_D, _S, _S, _O, _O, _O],
    [_O, _O, _O, _O, _O, _O],
    [_P, _N, _N, _N, _N, _N],
    [_P, _P, _N, _O, _O, _O],
    [_D, _D, _N, _N, _N, _N],
    [_D, _N, _N, _N, _N, _O],
    [_P, _P, _P, _P, _P, _N],
    [_D, _D, _D, _D, _O, _O],
    [_P, _P, _N, _N, _N, _N],
    [_D, _S, _S, _S, _S, _S],
    [_O, _O, _O, _O, _O, _O],
]

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12
# units with missing values, values 1..5. Rows here are units (observers A, B, C, D).
# Gwet's irrCAC ships the same ratings as `cac.raw4raters` (its README shows them).
KRIPPENDORFF_2011 = [
    [1, 1, N, 1],
    [2, 2, 3, 2],
    [3, 3, 3, 3],
    [3, 3, 3, 3],
    [2, 2, 2, 2],
    [1, 2, 3, 4],
    [4, 4, 4, 4],
    [1, 1, 2, 1],
    [2, 2, 2, 2],
    [N, 5, 5, 5],
    [N, N, 1, 1],
    [N, 3, N, N],
]

# Gwet's irrCAC dataset `cac.raw4raters` (README): as above, but the lone rating of unit 12
# belongs to Rater3. (A lone rating is never pairable, so every statistic is the same.)
CAC_RAW4RATERS = [list(u) for u in KRIPPENDORFF_2011[:11]] + [[N, N, 3, N]]

# Gwet's irrCAC contingency table `cont3x3abstractors` (README / overview vignette):
# rows = abstractor 1, columns = abstractor 2.
ABSTRACTOR_CATEGORIES = ("Ectopic", "AIU", "NIU")
CONT3X3ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]

# Shrout & Fleiss (1979), Psychological Bulletin 86:420-428, Table 2: 6 targets x 4 judges.
SHROUT_FLEISS_1979 = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Cohen (1960), Educational and Psychological Measurement 20:37-46, worked example (N = 200):
# diagonal proportions .44/.20/.06 (p_o = .70), judge A marginals .60/.30/.10, judge B
# marginals .50/.30/.20 (p_c = .41), kappa = .492. Kappa depends only on these; the
# off-diagonal cells below are a reconstruction that honours the marginals.
COHEN_1960_COUNTS = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]


def expand_table(table, labels):
    """Contingency table of counts -> the two raters' value lists."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [labels[i]] * count
            b += [labels[j]] * count
    return a, b
