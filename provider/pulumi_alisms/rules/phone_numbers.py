"""International phone numbers: the destination country of a number from its calling code.

Numbers are written as Alibaba's ``To`` parameter expects them, calling code first: ``6281234567890``
(a leading ``+`` is accepted). The longest matching calling-code prefix wins, so ``77...`` is Kazakhstan
while ``7...`` is Russia. North American numbers (``1``) count as the United States: telling the NANP
countries apart needs area codes, which this table does not carry.
"""

from dataclasses import dataclass

MAX_DIGITS = 15  # E.164
MIN_NATIONAL_DIGITS = 4

# Calling code -> ISO 3166-1 alpha-2 code.
CALLING_CODES: dict[str, str] = {
    "1": "US", "7": "RU", "76": "KZ", "77": "KZ",
    "20": "EG", "27": "ZA", "30": "GR", "31": "NL", "32": "BE", "33": "FR", "34": "ES", "36": "HU", "39": "IT",
    "40": "RO", "41": "CH", "43": "AT", "44": "GB", "45": "DK", "46": "SE", "47": "NO", "48": "PL", "49": "DE",
    "51": "PE", "52": "MX", "53": "CU", "54": "AR", "55": "BR", "56": "CL", "57": "CO", "58": "VE",
    "60": "MY", "61": "AU", "62": "ID", "63": "PH", "64": "NZ", "65": "SG", "66": "TH",
    "81": "JP", "82": "KR", "84": "VN", "86": "CN",
    "90": "TR", "91": "IN", "92": "PK", "93": "AF", "94": "LK", "95": "MM", "98": "IR",
    "211": "SS", "212": "MA", "213": "DZ", "216": "TN", "218": "LY", "220": "GM", "221": "SN", "223": "ML",
    "225": "CI", "226": "BF", "227": "NE", "228": "TG", "229": "BJ", "230": "MU", "231": "LR", "232": "SL",
    "233": "GH", "234": "NG", "235": "TD", "237": "CM", "241": "GA", "242": "CG", "243": "CD", "244": "AO",
    "249": "SD", "250": "RW", "251": "ET", "254": "KE", "255": "TZ", "256": "UG", "258": "MZ", "260": "ZM",
    "261": "MG", "263": "ZW", "264": "NA", "265": "MW", "267": "BW",
    "351": "PT", "352": "LU", "353": "IE", "354": "IS", "355": "AL", "356": "MT", "357": "CY", "358": "FI",
    "359": "BG", "370": "LT", "371": "LV", "372": "EE", "373": "MD", "374": "AM", "375": "BY", "380": "UA",
    "381": "RS", "382": "ME", "385": "HR", "386": "SI", "387": "BA", "389": "MK", "420": "CZ", "421": "SK",
    "502": "GT", "503": "SV", "504": "HN", "505": "NI", "506": "CR", "507": "PA", "591": "BO", "593": "EC",
    "595": "PY", "598": "UY",
    "670": "TL", "673": "BN", "675": "PG", "679": "FJ",
    "852": "HK", "853": "MO", "855": "KH", "856": "LA", "880": "BD", "886": "TW",
    "960": "MV", "961": "LB", "962": "JO", "963": "SY", "964": "IQ", "965": "KW", "966": "SA", "967": "YE",
    "968": "OM", "970": "PS", "971": "AE", "972": "IL", "973": "BH", "974": "QA", "975": "BT", "976": "MN",
    "977": "NP", "992": "TJ", "993": "TM", "994": "AZ", "995": "GE", "996": "KG", "998": "UZ",
}  # fmt: skip
_LONGEST_CODE = max(len(code) for code in CALLING_CODES)

# ISO code -> English short name, for every country in CALLING_CODES.
COUNTRY_NAMES: dict[str, str] = {
    "AE": "United Arab Emirates", "AF": "Afghanistan", "AL": "Albania", "AM": "Armenia", "AO": "Angola",
    "AR": "Argentina", "AT": "Austria", "AU": "Australia", "AZ": "Azerbaijan", "BA": "Bosnia and Herzegovina",
    "BD": "Bangladesh", "BE": "Belgium", "BF": "Burkina Faso", "BG": "Bulgaria", "BH": "Bahrain", "BJ": "Benin",
    "BN": "Brunei", "BO": "Bolivia", "BR": "Brazil", "BT": "Bhutan", "BW": "Botswana", "BY": "Belarus",
    "CD": "Congo (DRC)", "CG": "Congo", "CH": "Switzerland", "CI": "Cote d'Ivoire", "CL": "Chile", "CM": "Cameroon",
    "CN": "China", "CO": "Colombia", "CR": "Costa Rica", "CU": "Cuba", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "DZ": "Algeria", "EC": "Ecuador", "EE": "Estonia", "EG": "Egypt",
    "ES": "Spain", "ET": "Ethiopia", "FI": "Finland", "FJ": "Fiji", "FR": "France", "GA": "Gabon",
    "GB": "United Kingdom", "GE": "Georgia", "GH": "Ghana", "GM": "Gambia", "GR": "Greece", "GT": "Guatemala",
    "HK": "Hong Kong, China", "HN": "Honduras", "HR": "Croatia", "HU": "Hungary", "ID": "Indonesia",
    "IE": "Ireland", "IL": "Israel", "IN": "India", "IQ": "Iraq", "IR": "Iran", "IS": "Iceland", "IT": "Italy",
    "JO": "Jordan", "JP": "Japan", "KE": "Kenya", "KG": "Kyrgyzstan", "KH": "Cambodia", "KR": "South Korea",
    "KW": "Kuwait", "KZ": "Kazakhstan", "LA": "Laos", "LB": "Lebanon", "LK": "Sri Lanka", "LR": "Liberia",
    "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "LY": "Libya", "MA": "Morocco", "MD": "Moldova",
    "ME": "Montenegro", "MG": "Madagascar", "MK": "North Macedonia", "ML": "Mali", "MM": "Myanmar",
    "MN": "Mongolia", "MO": "Macao, China", "MT": "Malta", "MU": "Mauritius", "MV": "Maldives", "MW": "Malawi",
    "MX": "Mexico", "MY": "Malaysia", "MZ": "Mozambique", "NA": "Namibia", "NE": "Niger", "NG": "Nigeria",
    "NI": "Nicaragua", "NL": "Netherlands", "NO": "Norway", "NP": "Nepal", "NZ": "New Zealand", "OM": "Oman",
    "PA": "Panama", "PE": "Peru", "PG": "Papua New Guinea", "PH": "Philippines", "PK": "Pakistan", "PL": "Poland",
    "PS": "Palestine", "PT": "Portugal", "PY": "Paraguay", "QA": "Qatar", "RO": "Romania", "RS": "Serbia",
    "RU": "Russia", "RW": "Rwanda", "SA": "Saudi Arabia", "SD": "Sudan", "SE": "Sweden", "SG": "Singapore",
    "SI": "Slovenia", "SK": "Slovakia", "SL": "Sierra Leone", "SN": "Senegal", "SS": "South Sudan", "SV": "El Salvador",
    "SY": "Syria", "TD": "Chad", "TG": "Togo", "TH": "Thailand", "TJ": "Tajikistan", "TL": "Timor-Leste",
    "TM": "Turkmenistan", "TN": "Tunisia", "TR": "Turkey", "TW": "Taiwan, China", "TZ": "Tanzania",
    "UA": "Ukraine", "UG": "Uganda", "US": "United States", "UY": "Uruguay", "UZ": "Uzbekistan", "VE": "Venezuela",
    "VN": "Vietnam", "YE": "Yemen", "ZA": "South Africa", "ZM": "Zambia", "ZW": "Zimbabwe",
}  # fmt: skip


@dataclass(frozen=True)
class PhoneNumber:
    """A number in international format: its digits (calling code first), calling code and ISO country."""

    digits: str
    calling_code: str
    country: str


def parse_phone_number(text: str) -> PhoneNumber | None:
    """The number's country by longest calling-code prefix, or ``None`` when it is malformed or unknown.

    Accepts an optional leading ``+`` followed by digits only, at most 15 in all and at least four after
    the calling code.
    """
    digits = text.removeprefix("+")
    if not digits.isascii() or not digits.isdigit() or len(digits) > MAX_DIGITS:
        return None
    for length in range(min(_LONGEST_CODE, len(digits)), 0, -1):
        country = CALLING_CODES.get(digits[:length])
        if country is not None:
            if len(digits) - length < MIN_NATIONAL_DIGITS:
                return None
            return PhoneNumber(digits=digits, calling_code=digits[:length], country=country)
    return None


def country_name(code: str) -> str:
    """The English name of a country in the calling-code table (the ISO code itself otherwise)."""
    return COUNTRY_NAMES.get(code, code)
