#!/usr/bin/env python3
"""Synthetic but realistic facts for benchmarks: a facts database, or JSONL for `facts import`.

    python bench/generate.py --facts 1000000 --out /tmp/facts-1m.db
    python bench/generate.py --facts 10000 --out /tmp/facts-10k.db --check
    python bench/generate.py --facts 1000 --out /tmp/facts.jsonl --format jsonl
    facts --db /tmp/x.db init && facts --db /tmp/x.db import /tmp/facts.jsonl.setup.yaml /tmp/facts.jsonl

The world it invents: a few hundred actors (persons, organizations, states, media, with 1-3
aliases each, transliteration pairs among them: Lukashenko/Lukashenka, Kyiv/Kiev), a few thousand
subjects with Zipf-like popularity (the top ones get hundreds or thousands of competing claims),
a few thousand sources whose short texts are built sentence by sentence, and facts that quote one
of those sentences (or the clause inside it) at its exact offset.

The same --seed gives the same facts in both formats (timestamps included). In the database
format the fact ids are 1..N; in JSONL, `superseded_by` assumes the file is imported into an empty
database (line k becomes fact k).
"""

import argparse
import hashlib
import json
import math
import random
import re
import resource
import sys
import time
import unicodedata
from bisect import bisect
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import yaml

try:
    import facts  # noqa: F401
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from facts.quotes import CONTEXT  # characters of quote prefix/suffix kept for re-anchoring
from facts.vocab import LIKELIHOOD_BANDS

# --- the calendar: every day from 1990 to 2026, as text, computed once ---------------------------

FIRST_DAY, LAST_DAY = date(1990, 1, 1), date(2026, 12, 31)
ND = (LAST_DAY - FIRST_DAY).days + 1
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
_days = [FIRST_DAY + timedelta(i) for i in range(ND)]
DAYS = [d.isoformat() for d in _days]
DAY_LABEL = [f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}" for d in _days]
MONTH_OF = [(d.year - 1990) * 12 + d.month - 1 for d in _days]
YEAR_OF = [d.year - 1990 for d in _days]
NM, NY = MONTH_OF[-1] + 1, YEAR_OF[-1] + 1
MONTH_TEXT = [f"{1990 + m // 12}-{m % 12 + 1:02d}" for m in range(NM)]
MONTH_LABEL = [f"{MONTH_NAMES[m % 12]} {1990 + m // 12}" for m in range(NM)]
MONTH_START = [t + "-01" for t in MONTH_TEXT]
MONTH_END = [""] * NM
MONTH_LAST_DAY = [0] * NM
for _i, _m in enumerate(MONTH_OF):
    MONTH_END[_m] = DAYS[_i]
    MONTH_LAST_DAY[_m] = _i
YEAR_FIRST_DAY = [DAYS.index(f"{1990 + y}-01-01") for y in range(NY)]
del _days

# Entry times: facts are typed in over three years from 2023 on, at N evenly spread moments.
ENTRY_START = date(2023, 1, 2)
ENTRY_SECONDS = 3 * 365 * 86400
SOURCES_ADDED = datetime(2022, 12, 1, 9, 0)  # sources are entered before the facts that quote them
ENTRY_DAYS = [(ENTRY_START + timedelta(i)).isoformat() for i in range(3 * 365 + 200)]


def stamp(seconds: int, ms: int) -> str:
    """'YYYY-MM-DDTHH:MM:SS.mmmZ' for `seconds` after ENTRY_START (schema.sql's time format)."""
    day, rest = divmod(seconds, 86400)
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"{ENTRY_DAYS[day]}T{h:02d}:{m:02d}:{s:02d}.{ms:03d}Z"


# --- vocabulary ------------------------------------------------------------------------------------

# name, adjective, aliases (capitals and official names: Kyiv/Kiev and friends).
STATES = [
    ("Russia", "Russian", ["Russian Federation", "Moscow", "Kremlin"]),
    ("Ukraine", "Ukrainian", ["Kyiv", "Kiev"]),
    ("Belarus", "Belarusian", ["Republic of Belarus", "Minsk", "Byelorussia"]),
    ("United States", "US", ["USA", "United States of America", "Washington"]),
    ("Poland", "Polish", ["Republic of Poland", "Warsaw"]),
    ("Lithuania", "Lithuanian", ["Vilnius"]),
    ("Latvia", "Latvian", ["Riga"]),
    ("Estonia", "Estonian", ["Tallinn"]),
    ("Georgia", "Georgian", ["Tbilisi", "Sakartvelo"]),
    ("Armenia", "Armenian", ["Yerevan"]),
    ("Azerbaijan", "Azerbaijani", ["Baku"]),
    ("Moldova", "Moldovan", ["Chișinău", "Chisinau", "Kishinev"]),
    ("Kazakhstan", "Kazakh", ["Astana", "Nur-Sultan"]),
    ("United Kingdom", "British", ["UK", "Britain", "London"]),
    ("Germany", "German", ["Berlin", "Federal Republic of Germany"]),
    ("France", "French", ["Paris"]),
    ("Turkey", "Turkish", ["Türkiye", "Ankara"]),
    ("Syria", "Syrian", ["Damascus", "Syrian Arab Republic"]),
    ("Iran", "Iranian", ["Tehran", "Teheran"]),
    ("China", "Chinese", ["Beijing", "Peking", "PRC"]),
    ("Finland", "Finnish", ["Helsinki"]),
    ("Sweden", "Swedish", ["Stockholm"]),
    ("Romania", "Romanian", ["Bucharest"]),
    ("Hungary", "Hungarian", ["Budapest"]),
    ("Serbia", "Serbian", ["Belgrade", "Beograd"]),
    ("Israel", "Israeli", ["Jerusalem"]),
    ("Iraq", "Iraqi", ["Baghdad"]),
    ("Afghanistan", "Afghan", ["Kabul"]),
    ("Libya", "Libyan", ["Tripoli"]),
    ("Mali", "Malian", ["Bamako"]),
    ("Sudan", "Sudanese", ["Khartoum"]),
    ("Ethiopia", "Ethiopian", ["Addis Ababa"]),
    ("Yemen", "Yemeni", ["Sanaa", "Sana'a"]),
    ("North Korea", "North Korean", ["DPRK", "Pyongyang"]),
    ("Japan", "Japanese", ["Tokyo"]),
    ("India", "Indian", ["New Delhi"]),
    ("Pakistan", "Pakistani", ["Islamabad"]),
    ("Canada", "Canadian", ["Ottawa"]),
    ("Italy", "Italian", ["Rome"]),
    ("Norway", "Norwegian", ["Oslo"]),
    ("Slovakia", "Slovak", ["Bratislava"]),
    ("Czech Republic", "Czech", ["Czechia", "Prague"]),
    ("Bulgaria", "Bulgarian", ["Sofia"]),
    ("Tajikistan", "Tajik", ["Dushanbe"]),
    ("Kyrgyzstan", "Kyrgyz", ["Bishkek", "Kirghizia"]),
]

PERSONS = [
    ("Alexander Lukashenko", ["Lukashenko", "Lukashenka", "Alyaksandr Lukashenka"], "President of Belarus"),
    ("Vladimir Putin", ["Putin"], "President of Russia"),
    ("Volodymyr Zelensky", ["Zelensky", "Zelenskyy", "Zelenskiy"], "President of Ukraine"),
    ("Sergei Shoigu", ["Shoigu", "Sergey Shoygu"], "Defence Minister of Russia (2012-2024)"),
    ("Dmitry Peskov", ["Peskov", "Dmitri Peskov"], "Kremlin spokesman"),
    ("Sergei Lavrov", ["Lavrov", "Sergey Lavrov"], "Foreign Minister of Russia"),
    ("Yevgeny Prigozhin", ["Prigozhin", "Evgeny Prigozhin"], "Founder of the Wagner Group"),
    ("Sviatlana Tsikhanouskaya", ["Tsikhanouskaya", "Svetlana Tikhanovskaya"], "Belarusian opposition leader"),
    ("Viktor Khrenin", ["Khrenin", "Victor Khrenin"], "Defence Minister of Belarus"),
    ("Oleksii Reznikov", ["Reznikov", "Oleksiy Reznikov"], "Defence Minister of Ukraine (2021-2023)"),
    ("Valerii Zaluzhnyi", ["Zaluzhnyi", "Valery Zaluzhny"], "Commander-in-Chief of the Armed Forces of Ukraine"),
    ("Kyrylo Budanov", ["Budanov", "Kirill Budanov"], "Head of Ukraine's military intelligence"),
    ("Ramzan Kadyrov", ["Kadyrov"], "Head of the Chechen Republic"),
    ("Jens Stoltenberg", ["Stoltenberg"], "NATO Secretary General (2014-2024)"),
    ("Mark Rutte", ["Rutte"], "NATO Secretary General"),
    ("Antony Blinken", ["Blinken"], "US Secretary of State (2021-2025)"),
    ("Lloyd Austin", ["Lloyd J. Austin"], "US Secretary of Defense (2021-2025)"),
    ("Olaf Scholz", ["Scholz"], "Chancellor of Germany (2021-2025)"),
    ("Emmanuel Macron", ["Macron"], "President of France"),
    ("Recep Tayyip Erdoğan", ["Erdogan", "Recep Tayyip Erdogan"], "President of Turkey"),
    ("Ilham Aliyev", ["Aliyev"], "President of Azerbaijan"),
    ("Nikol Pashinyan", ["Pashinyan", "Pashinian"], "Prime Minister of Armenia"),
    ("Mikheil Saakashvili", ["Saakashvili"], "President of Georgia (2004-2013)"),
    ("Bashar al-Assad", ["Assad", "al-Assad"], "President of Syria (2000-2024)"),
    ("Ursula von der Leyen", ["von der Leyen"], "President of the European Commission"),
    ("Josep Borrell", ["Borrell"], "EU High Representative (2019-2024)"),
    ("Andrzej Duda", ["Duda"], "President of Poland"),
    ("Gitanas Nausėda", ["Nauseda", "Gitanas Nauseda"], "President of Lithuania"),
    ("Maia Sandu", ["Sandu"], "President of Moldova"),
    ("Kaja Kallas", ["Kallas"], "Prime Minister of Estonia (2021-2024)"),
    ("Sauli Niinistö", ["Niinisto", "Sauli Niinisto"], "President of Finland (2012-2024)"),
    ("Viktor Orbán", ["Orban", "Viktor Orban"], "Prime Minister of Hungary"),
    ("Aleksandar Vučić", ["Vucic", "Aleksandar Vucic"], "President of Serbia"),
    ("Kassym-Jomart Tokayev", ["Tokayev", "Tokaev"], "President of Kazakhstan"),
    ("Valery Gerasimov", ["Gerasimov", "Valeriy Gerasimov"], "Chief of the Russian General Staff"),
    ("Igor Konashenkov", ["Konashenkov"], "Russian Defence Ministry spokesman"),
    ("Maria Zakharova", ["Zakharova"], "Russian Foreign Ministry spokeswoman"),
    ("Denis Pushilin", ["Pushilin"], "Head of the Donetsk People's Republic"),
    ("Leonid Pasechnik", ["Pasechnik"], "Head of the Luhansk People's Republic"),
    ("Andrey Porotnikov", ["Porotnikov", "Andrei Porotnikov"], "Head of Belarus Security Blog"),
    ("Ben Hodges", ["Hodges"], "Retired US Army lieutenant general"),
    ("Michael Kofman", ["Kofman"], "Military analyst"),
    ("Neil Melvin", ["Melvin"], "Director of International Security Studies at RUSI"),
    ("Mathieu Boulègue", ["Boulegue", "Mathieu Boulegue"], "Researcher at Chatham House"),
    ("Igor Ilyash", ["Ilyash"], "Belarusian journalist"),
]

ORGANIZATIONS = [
    ("NATO", ["North Atlantic Treaty Organization", "North Atlantic Alliance"], "The Atlantic alliance"),
    ("NATO officials", ["Alliance officials"], "Unnamed officials of NATO"),
    ("Russian Ministry of Defence", ["Russian MoD", "Russian Defence Ministry", "Russian Defense Ministry"],
     "Ministry of Defence of the Russian Federation"),
    ("General Staff of the Armed Forces of Ukraine", ["Ukrainian General Staff", "ZSU General Staff"],
     "Ukraine's General Staff"),
    ("Belarusian Ministry of Defence", ["Belarus MoD", "Belarusian Defence Ministry"],
     "Ministry of Defence of Belarus"),
    ("UK Ministry of Defence", ["UK MoD", "British Defence Ministry"], "Defence intelligence updates"),
    ("US Department of Defense", ["Pentagon", "DoD"], "United States Department of Defense"),
    ("Belarus Security Blog", ["BSB"], "Belarusian analytical centre"),
    ("Institute for the Study of War", ["ISW"], "Washington think tank"),
    ("Royal United Services Institute", ["RUSI"], "London defence think tank"),
    ("Chatham House", ["Royal Institute of International Affairs"], "London think tank"),
    ("International Institute for Strategic Studies", ["IISS"], "Publisher of The Military Balance"),
    ("UNHCR", ["UN Refugee Agency", "United Nations High Commissioner for Refugees"], "UN refugee agency"),
    ("OHCHR", ["UN Human Rights Office"], "UN human rights office"),
    ("UN OCHA", ["OCHA"], "UN humanitarian coordination office"),
    ("OSCE", ["Organization for Security and Co-operation in Europe"], "Security organisation"),
    ("OSCE Special Monitoring Mission", ["SMM", "OSCE SMM"], "Monitoring mission in Ukraine (2014-2022)"),
    ("ACLED", ["Armed Conflict Location & Event Data Project"], "Conflict event data"),
    ("Oryx", ["Oryx blog"], "Open-source loss counts"),
    ("Amnesty International", ["Amnesty"], "Human rights organisation"),
    ("Human Rights Watch", ["HRW"], "Human rights organisation"),
    ("Viasna", ["Viasna Human Rights Centre", "Vyasna"], "Belarusian human rights centre"),
    ("Wagner Group", ["Wagner", "PMC Wagner"], "Russian private military company"),
    ("Luhansk People's Republic", ["LPR", "Lugansk People's Republic", "LNR"], "Russian-backed entity"),
    ("Donetsk People's Republic", ["DPR", "DNR"], "Russian-backed entity"),
    ("European Commission", ["EU Commission"], "Executive of the European Union"),
    ("International Monetary Fund", ["IMF"], "International Monetary Fund"),
    ("World Bank", ["World Bank Group"], "Development bank"),
    ("SIPRI", ["Stockholm International Peace Research Institute"], "Arms and military spending data"),
    ("Bellingcat", ["Bellingcat investigators"], "Open-source investigators"),
    ("Center for Strategic and International Studies", ["CSIS"], "Washington think tank"),
    ("RAND Corporation", ["RAND"], "US research organisation"),
    ("Kyiv School of Economics", ["KSE", "Kiev School of Economics"], "Ukrainian university"),
    ("Central Election Commission of Belarus", ["Belarus CEC"], "Election authority"),
    ("Syrian Observatory for Human Rights", ["SOHR"], "UK-based monitoring group"),
    ("International Committee of the Red Cross", ["ICRC", "Red Cross"], "Humanitarian organisation"),
    ("Gazprom", ["PJSC Gazprom"], "Russian gas company"),
    ("Naftogaz", ["Naftogaz of Ukraine"], "Ukrainian energy company"),
    ("Rosstat", ["Federal State Statistics Service"], "Russian statistics office"),
    ("Belstat", ["National Statistical Committee of Belarus"], "Belarusian statistics office"),
    ("State Border Guard Service of Ukraine", ["DPSU", "Ukrainian Border Guard"], "Border service"),
    ("Polish Border Guard", ["Straż Graniczna", "Straz Graniczna"], "Border service"),
    ("Lithuanian State Border Guard Service", ["VSAT"], "Border service"),
    ("Mediazona", ["MediaZona"], "Independent Russian outlet counting war deaths"),
]

MEDIA = [
    ("Reuters", ["Thomson Reuters"]), ("Associated Press", ["AP"]), ("Agence France-Presse", ["AFP"]),
    ("BBC", ["BBC News", "BBC Russian Service"]), ("CNN", ["CNN International"]),
    ("The New York Times", ["New York Times", "NYT"]), ("The Washington Post", ["Washington Post", "WaPo"]),
    ("The Guardian", ["Guardian"]), ("Financial Times", ["FT"]), ("The Economist", ["Economist"]),
    ("Der Spiegel", ["Spiegel"]), ("Le Monde", ["Le Monde diplomatique"]),
    ("Radio Free Europe/Radio Liberty", ["RFE/RL", "Radio Liberty", "Radio Svoboda"]),
    ("TASS", ["ITAR-TASS"]), ("RIA Novosti", ["RIA"]), ("Interfax", ["Interfax-Ukraine"]),
    ("Meduza", ["Meduza.io"]), ("Novaya Gazeta", ["Novaya Gazeta Europe"]),
    ("The Kyiv Independent", ["Kyiv Independent"]),
    ("Ukrainska Pravda", ["Ukrayinska Pravda"]), ("Kyiv Post", ["Kiev Post"]),
    ("BelTA", ["Belarusian Telegraph Agency", "Belta"]), ("Nasha Niva", ["Naša Niva"]), ("Zerkalo", ["Zerkalo.io"]),
    ("openDemocracy", ["oDR", "openDemocracyRussia"]), ("The National Interest", ["National Interest"]),
    ("Big League Politics", ["BLP"]), ("Al Jazeera", ["Al Jazeera English"]), ("Anadolu Agency", ["Anadolu", "AA"]),
    ("LRT", ["Lithuanian National Radio and Television"]), ("ERR", ["ERR News"]), ("Delfi", ["Delfi.lt"]),
    ("Gazeta Wyborcza", ["Wyborcza"]), ("Politico", ["Politico Europe"]), ("Bloomberg", ["Bloomberg News"]),
    ("The Wall Street Journal", ["Wall Street Journal", "WSJ"]), ("Kommersant", ["Kommersant Daily"]),
    ("Vedomosti", ["Vedomosti.ru"]), ("RBC", ["RBK"]), ("Izvestia", ["Izvestiya"]), ("RT", ["Russia Today"]),
    ("Sputnik", ["Sputnik News"]), ("Nexta", ["NEXTA Live"]), ("Belsat", ["Belsat TV"]),
    ("Euronews", ["Euronews English"]),
    ("Deutsche Welle", ["DW"]), ("France 24", ["France24"]), ("Ukrinform", ["Ukrinform.net"]), ("UNIAN", ["Unian"]),
    ("Hromadske", ["Hromadske TV"]),
]

OTHERS = [
    ("Unnamed officials", ["anonymous officials"]), ("Local residents", ["residents"]),
    ("Eyewitnesses", ["witnesses"]), ("Western intelligence officials", ["Western intelligence"]),
    ("Military bloggers", ["milbloggers"]), ("Telegram channels", ["Telegram"]),
    ("Opposition activists", ["activists"]), ("Hospital sources", ["medical sources"]),
    ("Diplomatic sources", ["diplomats"]), ("Satellite imagery analysts", ["imagery analysts"]),
]

# Given names (m/f) with a transliteration variant; surnames with one.
GIVEN = [("Oleksandr", "m", "Aleksandr"), ("Dmitry", "m", "Dmitri"), ("Sergei", "m", "Sergey"),
         ("Andrei", "m", "Andrey"), ("Olga", "f", "Olha"), ("Natalia", "f", "Natalya"), ("Yulia", "f", "Iuliia"),
         ("Viktor", "m", "Victor"), ("Mikhail", "m", "Mykhailo"), ("Ivan", "m", None), ("Pavel", "m", "Pavlo"),
         ("Tatiana", "f", "Tatyana"), ("Anna", "f", "Hanna"), ("Maria", "f", "Mariya"), ("Iryna", "f", "Irina"),
         ("Yuri", "m", "Yury"), ("Vasyl", "m", "Vasily"), ("Taras", "m", None), ("Svetlana", "f", "Sviatlana"),
         ("Kateryna", "f", "Ekaterina"), ("Mykola", "m", "Nikolai"), ("Aliaksei", "m", "Alexei"),
         ("Ales", "m", "Alies"), ("Piotr", "m", "Petr"), ("Tomasz", "m", None), ("Agnieszka", "f", None),
         ("Jonas", "m", None), ("Rasa", "f", None), ("Andris", "m", None), ("Kristjan", "m", None),
         ("Giorgi", "m", "George"), ("Nino", "f", None), ("Levan", "m", None), ("Arman", "m", None),
         ("John", "m", None), ("Sarah", "f", None), ("Michael", "m", None), ("Emma", "f", None),
         ("David", "m", None), ("Claire", "f", None), ("Thomas", "m", None), ("Julia", "f", None),
         ("Hans", "m", None), ("Petra", "f", None), ("Ahmed", "m", "Ahmad"), ("Leila", "f", "Layla"),
         ("Mehmet", "m", None), ("Ayşe", "f", "Ayse")]
SURNAMES = [("Kovalenko", "Kovalenka"), ("Shevchenko", "Shevchenka"), ("Bondarenko", "Bandarenka"),
            ("Tkachenko", "Tkachenka"), ("Kravchenko", None), ("Melnyk", "Melnik"), ("Kovalchuk", "Kowalczuk"),
            ("Zhukov", "Žukov"), ("Kuznetsov", "Kuznetsow"), ("Volkov", "Volkau"), ("Sokolov", "Sokolau"),
            ("Orlov", "Orlow"), ("Smirnov", "Smirnou"), ("Lebedev", "Lebedzeu"), ("Kozlov", "Kazlou"),
            ("Novikov", "Novikau"), ("Morozov", "Marozau"), ("Petrov", "Piatrou"), ("Ivanov", "Ivanou"),
            ("Vasiliev", "Vasilyev"), ("Yakovlev", "Jakowlew"), ("Khodakovsky", "Chodakowski"),
            ("Yavorsky", "Jaworski"), ("Zelinsky", "Zieliński"), ("Kowalski", None), ("Nowak", None),
            ("Wiśniewski", "Wisniewski"), ("Kazlauskas", None), ("Jankauskas", None), ("Bērziņš", "Berzins"),
            ("Kalniņš", "Kalnins"), ("Tamm", None), ("Saar", None), ("Beridze", None), ("Kapanadze", None),
            ("Hovhannisyan", "Ovanesyan"), ("Mammadov", "Mamedov"), ("Nurlanov", None), ("Smith", None),
            ("Johnson", None), ("Müller", "Mueller"), ("Schmidt", None), ("Dubois", None), ("Rossi", None),
            ("Yılmaz", "Yilmaz"), ("Demir", None), ("Hassan", "Hasan"), ("Haddad", None), ("Karimi", None),
            ("Hryshchenko", "Grishchenko"), ("Kharchenko", "Harchenko"), ("Lytvyn", "Litvin"),
            ("Latushka", "Latushko"), ("Babaryka", "Babariko"), ("Karach", "Korach"), ("Statkevich", "Statkevič"),
            ("Tsikhanouski", "Tikhanovsky"), ("Sannikov", "Sannikau"), ("Yaroshenko", "Jaroszenko"),
            ("Hrytsenko", "Gritsenko")]
PERSON_ROLES = ["analyst", "journalist", "military expert", "spokesperson", "researcher", "former officer",
                "member of parliament", "regional governor", "opposition politician", "economist"]

PLACES = ["Belarus", "Crimea", "Donbas", "the Donetsk region", "the Luhansk region", "Kharkiv", "Kherson",
          "Mariupol", "Bakhmut", "Zaporizhzhia", "Odesa", "Kaliningrad", "the Suwałki Gap", "Transnistria",
          "South Ossetia", "Abkhazia", "Nagorno-Karabakh", "Aleppo", "Idlib", "Homs", "Mosul", "Raqqa", "Gaza",
          "Grodno", "Brest", "Gomel", "Minsk", "Vitebsk", "Chechnya", "Grozny", "Tskhinvali", "Sevastopol",
          "Kerch", "Belgorod", "Kursk", "Bryansk", "Rostov-on-Don", "Tripoli", "Benghazi", "Bamako", "Timbuktu",
          "Darfur", "Tigray", "Aden", "Kandahar", "Helmand", "Sarajevo", "Srebrenica", "Kosovo", "Chernihiv",
          "Sumy", "Dnipro", "Kramatorsk", "Sloviansk", "Avdiivka", "Vuhledar", "Melitopol", "Berdiansk",
          "Izium", "Kupiansk", "Lysychansk", "Sievierodonetsk", "Pokrovsk", "Mykolaiv", "Kyiv", "Lviv",
          "Narva", "Daugavpils", "the Baltic states", "the Caucasus", "Central Asia", "the Sahel",
          "Nizhny Novgorod", "Pskov", "Smolensk", "Yelnya", "Osipovichi", "Baranovichi", "Mazyr", "Luninets"]
SEAS = ["the Black Sea", "the Baltic Sea", "the Sea of Azov", "the Mediterranean", "the Caspian Sea",
        "the Barents Sea", "the Sea of Japan", "the North Sea"]
EXERCISES = ["Zapad-2009", "Zapad-2013", "Zapad-2017", "Zapad-2021", "Allied Resolve 2022", "Union Shield 2019",
             "Kavkaz-2016", "Kavkaz-2020", "Vostok-2018", "Vostok-2022", "Tsentr-2019", "Defender Europe 21",
             "Steadfast Defender 2024", "Trident Juncture 2018", "Saber Strike 2018", "Slavic Brotherhood 2019",
             "BALTOPS 2022", "Cold Response 2022", "Anakonda-16", "Sea Breeze 2021", "Rapid Trident 2021"]

# subject, claim phrase ({q} is the quantity as stated), unit, typical low/high, style, tag, weight.
# {A}/{B} are states by name, {Aa}/{Ba} by adjective, {P} a place, {S} a sea, {E} an exercise.
TEMPLATES = [
    ("{Aa} troops in {P}", "{A} had {q} troops in {P}", "troops", 200, 200_000, "count", "troop-estimate", 10),
    ("{Aa} tanks near {P}", "{A} had {q} tanks near {P}", "tanks", 5, 3000, "count", "armour", 5),
    ("{Aa} combat aircraft in {P}", "{A} had {q} combat aircraft in {P}", "aircraft", 2, 400, "count", "air-power", 4),
    ("{Aa} military deaths in {P}", "{q} {Aa} soldiers were killed in {P}", "people", 10, 200_000, "count",
     "casualties", 6),
    ("Civilian deaths in {P}", "{q} civilians were killed in {P}", "people", 5, 100_000, "count", "casualties", 6),
    ("Refugees from {P} in {B}", "{q} refugees from {P} were living in {B}", "people", 100, 5_000_000, "count",
     "refugees", 5),
    ("Displaced people in {P}", "{q} people were displaced within {P}", "people", 500, 5_000_000, "count",
     "refugees", 4),
    ("Length of the front line in {P}", "the front line in {P} was {q} km long", "km", 10, 1500, "count",
     "front-line", 2),
    ("Distance of {Aa} forces from {P}", "{Aa} forces stood {q} km from {P}", "km", 1, 300, "real", "front-line", 3),
    ("Defence budget of {A}", "the defence budget of {A} was {q}", "USD", 1e8, 9e11, "money", "budget", 3),
    ("{Aa} military aid to {B}", "{A} gave {B} {q} in military aid", "USD", 1e6, 1e11, "money", "aid", 3),
    ("Inflation in {A}", "annual inflation in {A} was {q}%", "%", 0.5, 90, "pct", "economy", 2),
    ("Turnout in the {Aa} presidential election", "turnout in the {Aa} presidential election was {q}%", "%",
     20, 99, "pct", "elections", 1),
    ("Duration of the {E} exercise", "the {E} exercise lasted {q} days", "days", 3, 60, "count", "exercises", 2),
    ("{Aa} troops taking part in {E}", "{q} {Aa} troops took part in {E}", "troops", 500, 150_000, "count",
     "exercises", 4),
    ("Artillery shells fired daily by {Aa} forces", "{Aa} forces fired {q} artillery shells a day", "shells",
     500, 60_000, "count", "artillery", 2),
    ("Drones launched by {A} at {P}", "{A} launched {q} drones at {P}", "drones", 1, 1000, "count", "air-defence", 4),
    ("Missiles fired by {A} at {P}", "{A} fired {q} missiles at {P}", "missiles", 1, 300, "count", "air-defence", 4),
    ("{Aa} warships in {S}", "{A} had {q} warships in {S}", "ships", 1, 80, "count", "navy", 2),
    ("Share of {P} held by {A}", "{A} held {q}% of {P}", "%", 1, 99, "pct", "territory", 2),
    ("Area of {P} under {Aa} control", "{Aa} forces controlled {q} km2 of {P}", "km2", 10, 100_000, "count",
     "territory", 2),
    ("Protesters in {P}", "{q} people took part in protests in {P}", "people", 100, 500_000, "count", "protests", 3),
    ("Protesters detained in {A}", "the authorities in {A} detained {q} protesters", "people", 10, 40_000, "count",
     "protests", 2),
    ("{Aa} gas exports to {B}", "{A} exported {q} bcm of gas to {B}", "bcm", 0.5, 200, "real", "energy", 2),
    ("{Aa} grain exports", "{A} exported {q} tonnes of grain", "tonnes", 1e5, 6e7, "count", "economy", 1),
    ("{Aa} oil output", "{A} produced {q} barrels of oil a day", "barrels per day", 1e4, 1.2e7, "count", "energy", 1),
    ("{Aa} battalion tactical groups near {P}", "{A} had {q} battalion tactical groups near {P}", "BTGs", 1, 120,
     "count", "troop-estimate", 3),
    ("Prisoners of war held by {A}", "{A} held {q} prisoners of war", "people", 10, 20_000, "count", "pows", 2),
    ("Political prisoners in {A}", "{A} held {q} political prisoners", "people", 10, 3000, "count", "repression", 2),
    ("Unemployment in {A}", "unemployment in {A} was {q}%", "%", 1, 30, "pct", "economy", 1),
    ("GDP growth of {A}", "the economy of {A} changed by {q}%", "%", -15, 15, "signed", "economy", 1),
    ("Wagner fighters in {P}", "{q} Wagner fighters were deployed in {P}", "troops", 50, 50_000, "count",
     "mercenaries", 2),
    ("Border crossings from {A} into {B}", "{q} people crossed from {A} into {B}", "people", 100, 3_000_000, "count",
     "refugees", 2),
    ("Air-defence systems in {P}", "{q} air-defence systems were deployed in {P}", "systems", 1, 200, "count",
     "air-defence", 2),
    ("Duration of the ceasefire in {P}", "the ceasefire in {P} held for {q} days", "days", 1, 400, "count",
     "ceasefire", 1),
]
QUALITATIVE = ["the figures for {s} could not be independently verified", "official figures for {s} were too low",
               "there was no reliable count of {s}", "earlier estimates of {s} had been revised upwards",
               "reports on {s} were exaggerated", "the figures for {s} had not changed"]
# States that take an article inside a sentence.
WITH_THE = {"United States", "United Kingdom", "Czech Republic"}
IN_TEXT = {name: f"the {name}" if name in WITH_THE else name for name, _, _ in STATES}

GENERAL_TAGS = ["needs-check", "osint", "satellite", "official", "leak", "translated", "forecast", "revised",
                "single-source", "propaganda", "eyewitness", "Zapad", "Allied Resolve 2022", "ceasefire-talks",
                "sanctions", "mobilisation", "wagner", "hybrid-threat", "border", "humanitarian",
                "key-judgement", "to-review", "über-wichtig"]

FILLER = [
    "The figures could not be independently verified.",
    "Officials in {A} did not respond to a request for comment.",
    "Satellite images published on {W} showed new positions near {P}.",
    "The ministry later revised its estimate without explanation.",
    "Residents of {P} reported hearing explosions overnight.",
    "Analysts cautioned that the numbers may include rotating units.",
    "The statement came a day after talks in {P} ended without agreement.",
    "Independent journalists have little access to the area.",
    "Earlier estimates had been considerably lower.",
    "The report did not say how the number was calculated.",
    "Western diplomats described the situation as tense but stable.",
    "Local authorities declined to give their own count.",
    "Several rail convoys were seen moving towards {P} on {W}.",
    "The claim was repeated by state television the same evening.",
    "Opposition media disputed the official account.",
    "The government in {A} called the report a provocation.",
    "Humanitarian agencies said access remained limited.",
    "It was not clear whether the figure included reservists.",
    "A spokesperson promised to publish more details later.",
    "The exercise area stretches along the border with {A}.",
    "Prices for fuel and food have risen sharply since the spring.",
    "Observers were not allowed to visit the site.",
    "The numbers are broadly in line with earlier reporting.",
    "Some of the units are expected to return to their bases within weeks.",
    "Footage shared on social media appeared to show damaged vehicles near {P}.",
    "The figures have become a matter of political dispute.",
    "Neither side has published casualty lists.",
    "The agency said it would update its count weekly.",
    "Military bloggers gave a much higher figure, without evidence.",
    "Diplomatic sources said the issue would be discussed at the next summit.",
    "Trains carrying equipment continued to arrive in {P}.",
    "Aid convoys were delayed at the border for several days.",
    "The situation, one official said, was “under control” — a claim others doubted.",
    "Министерство обороны не прокомментировало эти данные.",
    "Міністерство оборони не коментує ці цифри.",
    "Protesters also gathered in Łódź, Gdańsk and Kraków.",
    "“We have seen no sign of a withdrawal,” a senior official in {A} said.",
    "The count does not include the wounded or the missing.",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TITLES = ["{S}: what we know", "New figures on {S}", "{S}: {a} gives its estimate", "Report: {S}",
          "{S} — latest estimates", "How many? The dispute over {s}", "{a} on {s}", "Analysis: {S}"]
# How a claim sentence is built around its clause: (before the actor, between actor and clause, after).
SENTENCE_FORMS = [("", " said ", "."), ("According to ", ", ", "."), ("", " estimated that ", "."),
                  ("", " told reporters that ", "."), ("In a statement, ", " claimed that ", "."),
                  ("", " reported that ", "."), ("", " said on {W} that ", ".")]
CLAIM_FORMS = [("", " said "), ("", " estimated that "), ("According to ", ", "), ("", " claimed that "),
               ("", " reported that ")]

APPROX = ["about", "around", "roughly", "some", "an estimated", "approximately", "nearly", "almost", "close to"]
AT_LEAST = ["at least", "more than", "over", "upwards of", "in excess of", "no less than", "just over"]
AT_LEAST_COUNT = AT_LEAST + ["no fewer than"]
AT_MOST = ["up to", "no more than", "less than", "at most", "as much as"]
AT_MOST_COUNT = ["up to", "as many as", "no more than", "fewer than", "at most"]

DISPUTED = ["Contradicted by a lower estimate in the same source.", "The claimant has an interest in the figure.",
            "Satellite imagery does not support the figure.", "Other sources give a figure about half as large.",
            "The number could not be reconciled with the official count."]
RETRACTED = ["The outlet withdrew the report.", "The claimant later retracted the figure.",
             "The figure came from a fabricated document."]
NOTES = ["Checked against the original statement.", "Figure repeated from an earlier report; not independent.",
         "The translation of the quote is ours.", "Compare with the official figure published a week later.",
         "Date inferred from the context of the article.", "Source paywalled; text from an archived copy.",
         "The claimant gives no method.", "Rounded figure; the original is more precise."]
RATE_REASONS = ["Corroborated by a second, independent source.", "The only source is anonymous.",
                "Later reporting contradicts it.", "Re-assessed after the official figures came out."]
FLAGS = ["Possible duplicate of another fact.", "Quote needs checking against the original.",
         "Unit may be wrong."]
ANALYSTS = ["a.novak", "j.smith", "m.kowalska", "o.petrenko", "l.meyer", "s.ahmed", "k.tamm", "d.brown"]
ANALYST_CW = list(accumulate([30, 20, 15, 12, 8, 7, 5, 3]))

QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range")
QUALIFIER_CW = list(accumulate([34, 32, 11, 11, 12]))
ICD_MIDS = [(round((lo + hi) / 2, 4), word) for word, lo, hi in LIKELIHOOD_BANDS]
CREDIBILITY_CW = list(accumulate([8, 30, 30, 15, 7, 10]))
RELIABILITY = ["A", "B", "C", "D", "E", "F", None]
RELIABILITY_CW = list(accumulate([5, 25, 30, 20, 5, 10, 5]))

FACT_COLUMNS = ("id", "claim", "subject", "value", "low", "high", "unit", "qualifier", "as_stated",
                "date_start", "date_end", "date_precision", "stated_on", "actor_id", "source_id",
                "quote", "quote_start", "quote_end", "quote_prefix", "quote_suffix", "confidence", "credibility",
                "status", "status_reason", "superseded_by", "created_at", "created_by")


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def zipf_cw(n: int, s: float = 1.0, q: float = 2.0) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights 1/(k+q)^s for k = 1..n."""
    return list(accumulate(1.0 / (k + q) ** s for k in range(1, n + 1)))


class Subject:
    __slots__ = (
        "about",
        "center",
        "index",
        "lower",
        "mag",
        "post",
        "pre",
        "qualitative",
        "score",
        "spread",
        "style",
        "tag",
        "text",
        "unit",
    )


class World:
    """Actors, subjects and sources: everything the facts refer to."""

    def __init__(self, rng: random.Random, n_actors: int, n_subjects: int, n_sources: int):
        self.rng = rng
        self._taken: set[str] = set()
        self.actors: list[dict] = []  # id, name, kind, aliases (canonical first), description
        self._make_actors(n_actors)
        self.actor_cw = self._claimant_weights()
        self.subjects: list[Subject] = []
        self._make_subjects(n_subjects)
        self.subject_cw = zipf_cw(len(self.subjects), 1.0, 8.0)
        self.sources: list[dict] = []
        self.quotes: list[list[tuple]] = [[] for _ in self.subjects]  # per subject: quotable sentences
        self.gen = ClaimDrawer(self)
        self._make_sources(n_sources)

    # -- actors --

    def _alias_ok(self, alias: str) -> bool:
        key = alias.casefold()
        if key in self._taken:
            return False
        self._taken.add(key)
        return True

    def _add_actor(self, name: str, kind: str, aliases: list[str], description: str | None) -> bool:
        if not self._alias_ok(name):
            return False
        kept = [a for a in aliases[:3] if self._alias_ok(a)]
        self.actors.append({"id": len(self.actors) + 1, "name": name, "kind": kind,
                            "aliases": [name] + kept, "description": description})
        return True

    def _make_actors(self, n: int) -> None:
        rng = self.rng
        self.state_ids = {}
        for name, _, aliases in STATES:
            self._add_actor(name, "state", aliases, f"The state of {IN_TEXT[name]} and its government")
            self.state_ids[name] = self.actors[-1]["id"]
        curated = ([(n_, "person", a, d) for n_, a, d in PERSONS]
                   + [(n_, "organization", a, d) for n_, a, d in ORGANIZATIONS]
                   + [(n_, "media", a, "News outlet") for n_, a in MEDIA]
                   + [(n_, "other", a, "A collective claimant") for n_, a in OTHERS])
        rng.shuffle(curated)
        for name, kind, aliases, description in curated:
            if len(self.actors) >= n:
                break
            self._add_actor(name, kind, aliases, description)
        self.n_curated = len(self.actors)
        tries = 0
        while len(self.actors) < n and tries < 100 * n:
            tries += 1
            r = rng.random()
            if r < 0.6:
                self._person()
            elif r < 0.85:
                self._organization()
            else:
                self._medium()

    def _person(self) -> None:
        rng = self.rng
        given, sex, given_variant = rng.choice(GIVEN)
        surname, variant = rng.choice(SURNAMES)
        if sex == "f":
            surname, variant = self._feminine(surname), self._feminine(variant) if variant else None
        name = f"{given} {surname}"
        aliases = []
        if variant:
            aliases.append(f"{given} {variant}")
        if given_variant and rng.random() < 0.5:
            aliases.append(f"{given_variant} {variant or surname}")
        aliases.append(surname)
        if variant:
            aliases.append(variant)
        k = rng.randint(1, 3)
        role = rng.choice(PERSON_ROLES).capitalize()
        self._add_actor(name, "person", aliases[:k], f"{role} ({rng.choice(STATES)[0]})")

    @staticmethod
    def _feminine(surname: str) -> str:
        for end, fem in (("sky", "skaya"), ("ski", "ska"), ("ov", "ova"), ("ev", "eva"), ("in", "ina"),
                         ("ow", "owa"), ("au", "ava")):
            if surname.endswith(end):
                return surname[: -len(end)] + fem
        return surname

    def _organization(self) -> None:
        rng = self.rng
        place = rng.choice(PLACES).removeprefix("the ")
        state, adjective, _ = rng.choice(STATES)
        pattern = rng.choice(["{p} Centre for Security Studies", "{a} Institute of International Affairs",
                              "{a} Helsinki Committee", "{p} Monitoring Group", "{a} Red Cross Society",
                              "{a} Council on Foreign Relations", "{p} Human Rights Centre",
                              "{a} Border Guard Service", "{a} Institute for Strategic Studies"])
        name = pattern.format(p=place, a=adjective)
        acronym = "".join(w[0] for w in name.split() if w[0].isupper())
        aliases = [acronym] if len(acronym) >= 3 else []
        aliases.append(name.replace("Centre", "Center") if "Centre" in name else f"the {name}")
        self._add_actor(name, "organization", aliases[: rng.randint(1, 2)], f"Organisation based in {state}")

    def _medium(self) -> None:
        rng = self.rng
        place = rng.choice(PLACES).removeprefix("the ")
        name = rng.choice(["{p} Herald", "{p} Daily", "Radio {p}", "{p} Today", "The {p} Times", "{p} Online",
                           "{p} Express", "{p} Observer"]).format(p=place)
        domain = slug(name).replace("-", "") + rng.choice([".com", ".net", ".org", ".info"])
        self._add_actor(name, "media", [domain], f"Regional outlet ({place})")

    def _claimant_weights(self) -> list[float]:
        """Zipf-like over a shuffled order, with well-known claimants (the curated lists) ahead."""
        factor = {"organization": 1.6, "media": 1.3, "state": 1.0, "person": 0.8, "other": 0.5}
        order = list(range(len(self.actors)))
        self.rng.shuffle(order)
        order.sort(key=lambda i: i >= self.n_curated)
        weights = [0.0] * len(self.actors)
        for rank, i in enumerate(order):
            weights[i] = factor[self.actors[i]["kind"]] / (rank + 5)
        return list(accumulate(weights))

    # -- subjects --

    def _make_subjects(self, n: int) -> None:
        rng = self.rng
        template_cw = list(accumulate(t[-1] for t in TEMPLATES))
        state_w = [1.0 / (k + 1.5) ** 1.3 for k in range(len(STATES))]
        state_cw = list(accumulate(state_w))
        place_w = {p: 1.0 / (k + 3) for k, p in enumerate(PLACES)}
        # Reporting years: some all along, most around 2014-2024.
        year_cw = list(accumulate(1 + 4 * math.exp(-(((1990 + y) - 2019) / 6) ** 2) for y in range(NY)))
        seen: set[str] = set()
        tries = 0
        while len(self.subjects) < n:
            tries += 1
            t = TEMPLATES[bisect(template_cw, rng.random() * template_cw[-1])]
            subject_pattern, phrase, unit, lo, hi, style, tag, template_weight = t
            ia = bisect(state_cw, rng.random() * state_cw[-1])
            ib = bisect(state_cw, rng.random() * state_cw[-1])
            a, b = STATES[ia], STATES[ib]
            place, sea, exercise = rng.choice(PLACES), rng.choice(SEAS), rng.choice(EXERCISES)
            if b is a or a[0] in place or b[0] in place:
                continue
            fill = {"A": IN_TEXT[a[0]], "Aa": a[1], "B": IN_TEXT[b[0]], "Ba": b[1], "P": place, "S": sea,
                    "E": exercise}
            text = subject_pattern.format(**fill)
            if tries > 50 * n:  # every combination used: number the rest
                text = f"{text} (series {len(self.subjects)})"
            if text in seen:
                continue
            seen.add(text)
            s = Subject()
            # How much reporting a subject draws: Russian troops in Belarus, yes; Kyrgyz drones, hardly.
            used = subject_pattern + phrase
            s.score = (template_weight * (state_w[ia] if "{A" in used else 0.2)
                       * (place_w[place] if "{P}" in used else 0.1) * rng.uniform(0.3, 3.0))
            s.index, s.text, s.unit, s.style, s.tag = len(self.subjects), text, unit, style, tag
            s.pre, _, s.post = phrase.format(q="\x00", **fill).partition("\x00")
            if style == "signed":
                s.mag = rng.uniform(lo, hi)
            else:
                s.mag = math.exp(rng.uniform(math.log(lo), math.log(hi)))
            year = bisect(year_cw, rng.random() * year_cw[-1])
            s.center = min(YEAR_FIRST_DAY[year] + rng.randrange(365), ND - 1)
            s.spread = rng.choice([20, 60, 120, 240, 480, 900])
            about = [self.state_ids[a[0]]] if "{A" in used else []
            if "{B" in used:
                about.append(self.state_ids[b[0]])
            s.about = about
            s.lower = text if subject_pattern.startswith("{") else text[0].lower() + text[1:]
            s.qualitative = [q.format(s=s.lower) for q in QUALITATIVE]
            self.subjects.append(s)
        # The most newsworthy subjects get the most claims (Zipf by this order).
        self.subjects.sort(key=lambda x: -x.score)
        for i, x in enumerate(self.subjects):
            x.index = i

    # -- sources --

    def _make_sources(self, n: int) -> None:
        rng = self.rng
        media = [a for a in self.actors if a["kind"] == "media"]
        n_subjects = len(self.subjects)
        keys: set[str] = set()
        for j in range(n):
            source_id = j + 1
            topics = [j % n_subjects]
            for _ in range(rng.randint(0, 2)):
                t = bisect(self.subject_cw, rng.random() * self.subject_cw[-1])
                if t not in topics:
                    topics.append(t)
            draws = []  # (subject index, draw)
            for t in topics:
                for _ in range(rng.randint(1, 3)):
                    draws.append((t, self.gen.draw(self.subjects[t])))
            last = max(d[3][5] for _, d in draws)
            pub_index = min(last + rng.randint(0, 30), ND - 1)
            # Paragraphs of sentences; the claim sentences go to random slots among the filler.
            shape = [rng.randint(2, 5) for _ in range(rng.randint(3, 6))]
            while sum(shape) < len(draws) + 2:
                shape.append(rng.randint(2, 4))
            slots = sorted(rng.sample(range(sum(shape)), len(draws)))
            claim_at = dict(zip(slots, range(len(draws))))
            parts: list[str] = []
            pos = 0
            placed = []  # (subject, draw, sentence, sentence_start, clause, clause_start)
            slot = 0
            for p, count in enumerate(shape):
                if p:
                    parts.append("\n\n")
                    pos += 2
                if p == 0 and rng.random() < 0.5:
                    dateline = f"{rng.choice(PLACES).removeprefix('the ').upper()}, {DAY_LABEL[pub_index]} — "
                    parts.append(dateline)
                    pos += len(dateline)
                for k in range(count):
                    if k:
                        parts.append(" ")
                        pos += 1
                    if slot in claim_at:
                        t, d = draws[claim_at[slot]]
                        sentence, clause, offset = self._claim_sentence(d)
                        placed.append((t, d, sentence, pos, clause, pos + offset))
                    else:
                        sentence = rng.choice(FILLER).format(A=IN_TEXT[rng.choice(STATES)[0]], P=rng.choice(PLACES),
                                                             W=rng.choice(WEEKDAYS))
                    parts.append(sentence)
                    pos += len(sentence)
                    slot += 1
            text = "".join(parts)
            for t, d, sentence, start, clause, clause_start in placed:
                assert text[start:start + len(sentence)] == sentence
                # (quote, start, end, prefix, suffix) for the whole sentence and for its clause
                variants = tuple((q, at, at + len(q), text[max(0, at - CONTEXT):at],
                                  text[at + len(q):at + len(q) + CONTEXT])
                                 for q, at in ((sentence, start), (clause, clause_start)))
                self.quotes[t].append((source_id, d, variants))
            # Metadata as a reader finds it: some fields missing, as in real collections.
            first_subject = self.subjects[draws[0][0]]
            first_alias = draws[0][1][1]
            publisher = rng.choice(media)["name"] if media and rng.random() < 0.85 else None
            r = rng.random()
            published = DAYS[pub_index] if r < 0.7 else MONTH_TEXT[MONTH_OF[pub_index]] if r < 0.85 else None
            title = rng.choice(TITLES).format(S=first_subject.text, s=first_subject.lower, a=first_alias)
            key_base = slug(publisher or rng.choice(["report", "statement", "bulletin", "note"]))[:40]
            key = f"{key_base}-{published or 'undated'}-{source_id}"
            assert key not in keys
            keys.add(key)
            url = None
            if publisher and rng.random() < 0.8:
                url = (f"https://www.{slug(publisher).replace('-', '')}.com/{DAYS[pub_index][:7].replace('-', '/')}/"
                       f"{slug(title)[:60]}-{source_id}")
            retrieved = None
            if rng.random() < 0.6:
                retrieved = DAYS[min(pub_index + rng.randint(0, 400), ND - 1)]
            author = None
            if rng.random() < 0.6:
                given = rng.choice(GIVEN)[0]
                author = f"{given} {rng.choice(SURNAMES)[0]}"
            self.sources.append({
                "id": source_id, "key": key, "title": title, "publisher": publisher, "author": author, "url": url,
                "published": published, "retrieved": retrieved,
                "reliability": RELIABILITY[bisect(RELIABILITY_CW, rng.random() * RELIABILITY_CW[-1])],
                "description": "Generated for benchmarks." if rng.random() < 0.3 else None,
                "text": text, "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "added_at": (SOURCES_ADDED + timedelta(minutes=j)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "added_by": ANALYSTS[bisect(ANALYST_CW, rng.random() * ANALYST_CW[-1])],
            })

    def _claim_sentence(self, d: tuple) -> tuple[str, str, int]:
        """A sentence stating a draw, the clause inside it, and the clause's offset in the sentence."""
        rng = self.rng
        alias = d[1]
        clause = f"{d[4]} {d[3][4]}"
        if rng.random() < 0.15:
            clause = clause[0].upper() + clause[1:]
            return f"{clause}, {alias} said.", clause, 0
        before, between, after = rng.choice(SENTENCE_FORMS)
        between = between.replace("{W}", rng.choice(WEEKDAYS))
        sentence = f"{before}{alias}{between}{clause}{after}"
        sentence = sentence[0].upper() + sentence[1:] if before else sentence
        return sentence, clause, len(before) + len(alias) + len(between)


class ClaimDrawer:
    """Who claims what number for a subject, as of when: used for source sentences and facts alike."""

    def __init__(self, world: World):
        self.world = world
        self.rng = world.rng
        self.actors = world.actors
        self.actor_cw = world.actor_cw
        self.actor_total = world.actor_cw[-1]

    def draw(self, s: Subject) -> tuple:
        """(actor index, spelling, quantity, date, phrase)."""
        rng = self.rng
        a = bisect(self.actor_cw, rng.random() * self.actor_total)
        aliases = self.actors[a]["aliases"]
        spelling = aliases[0] if len(aliases) == 1 or rng.random() < 0.6 else aliases[rng.randrange(len(aliases))]
        qty = self.quantity(s)
        when = self.date(s)
        phrase = s.pre + qty[6] + s.post if qty[3] is not None else rng.choice(s.qualitative)
        return (a, spelling, qty, when, phrase)

    def number(self, x: float, style: str, sig: int) -> float:
        if style == "count":
            v = float(round(float(f"{x:.{sig}g}")))
            return v if v >= 1 else 1.0
        if style == "money":
            return float(f"{x:.{sig}g}")
        v = round(x, 1)
        if style == "signed":
            return v
        return min(max(v, 0.1), 99.9) if style == "pct" else max(v, 0.1)

    @staticmethod
    def text(v: float, style: str) -> str:
        if style == "money":
            for scale, word in ((1e9, "billion"), (1e6, "million")):
                if v >= scale:
                    t = f"{v / scale:g}"
                    if float(t) * scale == v:
                        return f"${t} {word}"
            return f"${v:,.0f}"
        if style == "count":
            for scale, word in ((1e9, "billion"), (1e6, "million")):
                if v >= scale:
                    t = f"{v / scale:g}"
                    if len(t) <= 4 and float(t) * scale == v:
                        return f"{t} {word}"
            return f"{v:,.0f}"
        return f"{v:,g}"

    def quantity(self, s: Subject) -> tuple:
        """(value, low, high, qualifier, as_stated, string form allowed, text in the sentence)."""
        rng = self.rng
        if rng.random() < 0.04:
            return (None, None, None, None, None, False, "")
        style = s.style
        q = QUALIFIERS[bisect(QUALIFIER_CW, rng.random() * QUALIFIER_CW[-1])]
        x = s.mag + rng.gauss(0, 2) if style == "signed" else s.mag * math.exp(rng.gauss(0, 0.35))
        counting = style == "count"
        if q == "exact":
            v = self.number(x, style, rng.randint(2, 4))
            t = self.text(v, style)
            as_stated = t if rng.random() < 0.8 else None
            return (v, v, v, q, as_stated, as_stated is not None and style != "money", t)
        if q == "range":
            if style == "signed":
                w = rng.uniform(0.5, 3)
                lo, hi = round(x - w, 1), round(x + w, 1)
            else:
                lo = self.number(x * rng.uniform(0.4, 0.9), style, 2)
                hi = self.number(x * rng.uniform(1.1, 2.0), style, 2)
            if lo >= hi:
                hi = lo + (1 if counting else 0.1 if style != "money" else 1e6)
                hi = round(hi, 1)
            v = None
            if rng.random() < 0.3:
                v = min(max(self.number(x, style, 3), lo), hi)
            lt, ht = self.text(lo, style), self.text(hi, style)
            r = rng.random()
            if style in ("money", "signed") or r < 0.3:
                t = f"{lt} to {ht}"
            elif r < 0.6:
                t = f"{lt}-{ht}"
            elif r < 0.85:
                t = f"between {lt} and {ht}"
            else:
                t = f"from {lt} to {ht}"
            return (v, lo, hi, q, t, v is None and style != "money", t)
        v = self.number(x, style, rng.randint(1, 2))
        t = self.text(v, style)
        if q == "approx":
            t = f"{rng.choice(APPROX)} {t}"
            lo = hi = None
            if rng.random() < 0.25:
                a, b = self.number(v * 0.8, style, 2), self.number(v * 1.25, style, 2)
                lo, hi = min(a, b, v), max(a, b, v)
            return (v, lo, hi, q, t, lo is None and hi is None and style != "money", t)
        if q == "at_least":
            t = f"{rng.choice(AT_LEAST_COUNT if counting else AT_LEAST)} {t}"
            return (v, v, None, q, t, style != "money", t)
        t = f"{rng.choice(AT_MOST_COUNT if counting else AT_MOST)} {t}"
        return (v, None, v, q, t, style != "money", t)

    def date(self, s: Subject) -> tuple:
        """(start, end, precision, input text, phrase, index of the last day)."""
        rng = self.rng
        d = int(rng.gauss(s.center, s.spread))
        if d < 0:
            d = -d
        if d >= ND:
            d = 2 * (ND - 1) - d
        d = min(max(d, 0), ND - 2)
        r = rng.random()
        if r < 0.52:
            return (DAYS[d], DAYS[d], "day", DAYS[d], "on " + DAY_LABEL[d], d)
        if r < 0.57:
            e = min(d + rng.randint(1, 30), ND - 1)
            return (DAYS[d], DAYS[e], "day", f"{DAYS[d]}/{DAYS[e]}", f"between {DAY_LABEL[d]} and {DAY_LABEL[e]}", e)
        m = MONTH_OF[d]
        if r < 0.84:
            return (MONTH_START[m], MONTH_END[m], "month", MONTH_TEXT[m], "in " + MONTH_LABEL[m], MONTH_LAST_DAY[m])
        if r < 0.86:
            m2 = min(m + rng.randint(1, 6), NM - 1)
            if m2 == m:
                m -= 1
            return (MONTH_START[m], MONTH_END[m2], "month", f"{MONTH_TEXT[m]}/{MONTH_TEXT[m2]}",
                    f"between {MONTH_LABEL[m]} and {MONTH_LABEL[m2]}", MONTH_LAST_DAY[m2])
        y = YEAR_OF[d]
        if r < 0.985 or y == NY - 1:
            return (f"{1990 + y}-01-01", f"{1990 + y}-12-31", "year", str(1990 + y), f"in {1990 + y}",
                    YEAR_FIRST_DAY[y] + 364)
        y2 = min(y + rng.randint(1, 4), NY - 1)
        return (f"{1990 + y}-01-01", f"{1990 + y2}-12-31", "year", f"{1990 + y}/{1990 + y2}",
                f"between {1990 + y} and {1990 + y2}", min(YEAR_FIRST_DAY[y2] + 364, ND - 1))


class Batch:
    """One batch of facts: rows for the facts table and what goes with them."""
    __slots__ = ("about", "annotations", "extras", "rows")

    def __init__(self):
        self.rows: list[tuple] = []         # FACT_COLUMNS
        self.about: list[tuple] = []        # (fact_id, actor_id)
        # (fact_id, kind, body, tag, confidence, status, superseded_by, author, created_at)
        self.annotations: list[tuple] = []
        self.extras: list[tuple] = []       # per fact, for JSONL: (actor spelling, date text, about ids, tags, note,
                                            #   confidence word, quantity as text)


def generate_facts(world: World, rng: random.Random, n: int, batch_size: int):
    """Yield Batches of facts 1..n. Streams: only one batch is ever held."""
    subjects, quotes, sources = world.subjects, world.quotes, world.sources
    actors = world.actors
    drawer = world.gen
    n_sources = len(sources)
    subject_range = range(len(subjects))
    subject_cw = world.subject_cw
    last_of_subject = [0] * len(subjects)
    step = ENTRY_SECONDS / max(n, 1)
    tags_pool = GENERAL_TAGS
    random_ = rng.random
    randrange = rng.randrange
    fid = 0
    for b0 in range(0, n, batch_size):
        k = min(batch_size, n - b0)
        batch = Batch()
        rows, about_rows, annotations, extras = batch.rows, batch.about, batch.annotations, batch.extras
        for si in rng.choices(subject_range, cum_weights=subject_cw, k=k):
            fid += 1
            s = subjects[si]
            entries = quotes[si]
            quote = None
            if entries and random_() < 0.92:
                source_id, sentence_draw, variants = entries[randrange(len(entries))]
                quote = variants[0] if random_() < 0.55 else variants[1]
                d = sentence_draw if random_() < 0.6 else drawer.draw(s)
            else:
                source_id = randrange(n_sources) + 1
                d = drawer.draw(s)
            a, spelling, qty, when, phrase = d
            actor = actors[a]
            if random_() < 0.5:
                spelling = actor["name"]
            before, between = CLAIM_FORMS[randrange(len(CLAIM_FORMS))]
            claim = f"{before}{actor['name']}{between}{phrase} {when[4]} (ref. {fid})."
            claim = claim[0].upper() + claim[1:]
            # Confidence: an ICD 203 band's middle (entered as a word) or a number.
            word = None
            if random_() < 0.4:
                confidence, word = ICD_MIDS[randrange(len(ICD_MIDS))]
                if random_() < 0.5:
                    word = None
            else:
                confidence = round(rng.betavariate(4, 2.5), 2)
            credibility = None
            if random_() < 0.6:
                credibility = bisect(CREDIBILITY_CW, random_() * CREDIBILITY_CW[-1]) + 1
            r = random_()
            status, reason, superseded_by = "active", None, None
            if r < 0.07:
                status, reason = "disputed", DISPUTED[randrange(len(DISPUTED))]
            elif r < 0.09:
                status, reason = "retracted", RETRACTED[randrange(len(RETRACTED))]
            elif r < 0.12:
                if last_of_subject[si]:
                    superseded_by = last_of_subject[si]
                    status, reason = "superseded", f"The figure in fact #{superseded_by} replaces it."
                else:
                    status, reason = "disputed", DISPUTED[randrange(len(DISPUTED))]
            last_of_subject[si] = fid
            stated_on = None
            if random_() < 0.45:
                i = min(when[5] + rng.randint(0, 20), ND - 1)
                stated_on = DAYS[i] if random_() < 0.8 else MONTH_TEXT[MONTH_OF[i]]
            seconds = int(fid * step)
            created = stamp(seconds, fid % 1000)
            author = ANALYSTS[bisect(ANALYST_CW, random_() * ANALYST_CW[-1])]
            if quote is None:
                q, qs, qe, qp, qx = None, None, None, None, None
            else:
                q, qs, qe, qp, qx = quote
            qv = qty[3]
            rows.append((fid, claim, s.text, qty[0], qty[1], qty[2], s.unit if qv else None, qv, qty[4],
                         when[0], when[1], when[2], stated_on, a + 1, source_id, q, qs, qe, qp, qx,
                         confidence, credibility, status, reason, superseded_by, created, author))
            about = s.about if s.about and random_() < 0.6 else ()
            for actor_id in about:
                about_rows.append((fid, actor_id))
            # Tags and a note typed in with the fact; later annotations days to months after.
            tags = ()
            r = random_()
            if r < 0.33:
                tags = (s.tag,) if r < 0.2 else (s.tag, tags_pool[randrange(len(tags_pool))])
                if len(tags) == 2 and tags[0] == tags[1]:
                    tags = tags[:1]
                for tag in tags:
                    annotations.append((fid, "tag", None, tag, None, None, None, author, created))
            note = None
            if random_() < 0.03:
                note = NOTES[randrange(len(NOTES))]
                annotations.append((fid, "note", note, None, None, None, None, author, created))
            r = random_()
            if r < 0.04:
                later = stamp(seconds + rng.randint(3600, 90 * 86400), (fid * 7) % 1000)
                who = ANALYSTS[randrange(len(ANALYSTS))]
                if r < 0.015:
                    annotations.append((fid, "note", NOTES[randrange(len(NOTES))], None, None, None, None, who, later))
                elif r < 0.025:
                    new = round(min(max(confidence + rng.choice((-0.2, -0.1, 0.1, 0.2)), 0.0), 1.0), 2)
                    annotations.append((fid, "rate", RATE_REASONS[randrange(len(RATE_REASONS))], None, new, None,
                                        None, who, later))
                elif r < 0.03 and status in ("active", "disputed"):
                    new_status = "disputed" if status == "active" else "active"
                    body = DISPUTED[randrange(len(DISPUTED))] if new_status == "disputed" else None
                    annotations.append((fid, "status", body, None, None, new_status, None, who, later))
                elif r < 0.035:
                    annotations.append((fid, "flag", FLAGS[randrange(len(FLAGS))], None, None, None, None, who, later))
                elif tags:
                    annotations.append((fid, "untag", None, tags[-1], None, None, None, who, later))
            extras.append((spelling, when[3], about, tags, note, word, qty[4] if qty[5] and random_() < 0.4 else None))
        yield batch


def ahead(batches, depth: int = 3):
    """Make the batches in a forked child process while this one writes them.

    Two cores: the Python that makes facts and the SQLite that stores them run side by side. A
    thread would not do: after every row's sqlite3_step the writer must win the GIL back from the
    generator, which serialises the two. The child inherits the world and the random state, so
    the facts are the same as without it. Where fork is missing, the batches are made in-line.
    """
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:
        yield from batches
        return
    q = ctx.Queue(maxsize=depth)

    def produce():
        try:
            for b in batches:
                q.put((b.rows, b.about, b.annotations, b.extras))
            q.put(None)
        except BaseException:
            import traceback
            q.put(("error", traceback.format_exc()))
        q.close()
        q.join_thread()

    child = ctx.Process(target=produce, name="generate-facts", daemon=True)
    child.start()
    try:
        while True:
            item = q.get()
            if item is None:
                break
            if item[0] == "error":
                raise RuntimeError(f"generating facts failed:\n{item[1]}")
            batch = Batch()
            batch.rows, batch.about, batch.annotations, batch.extras = item
            yield batch
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


# --- writing a database ------------------------------------------------------------------------------

def write_db(world: World, batches, path: Path, n: int, cache_mb: int, quiet: bool) -> dict:
    from facts.db import open_db

    timings = {}
    t0 = time.perf_counter()
    db = open_db(path, create=True)  # the real schema: CHECKs, triggers, FTS, indexes; WAL
    conn = db.conn
    # A benchmark database is written once, from empty: no fsync, a big page cache, temp b-trees in
    # memory, and a rollback journal in memory instead of the WAL while loading. Pages that did not
    # exist when the transaction began are never journalled, so this writes each page once (the WAL
    # wrote the whole file twice, and was 10-25% slower at 1M facts). WAL is back on at the end.
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany("INSERT INTO actors (id, name, kind, description, added_at) VALUES (?, ?, ?, ?, ?)",
                     [(a["id"], a["name"], a["kind"], a["description"], "2022-12-01T09:00:00.000Z")
                      for a in world.actors])
    conn.executemany("INSERT INTO aliases (alias, actor_id) VALUES (?, ?)",
                     [(alias, a["id"]) for a in world.actors for alias in a["aliases"][1:]])
    columns = ("id", "key", "title", "publisher", "author", "url", "published", "retrieved", "reliability",
               "description", "text", "sha256", "added_at", "added_by")
    conn.executemany(f"INSERT INTO sources ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                     [tuple(s[c] for c in columns) for s in world.sources])
    timings["actors+sources"] = time.perf_counter() - t0

    insert_fact = f"INSERT INTO facts ({', '.join(FACT_COLUMNS)}) VALUES ({', '.join('?' * len(FACT_COLUMNS))})"
    insert_about = "INSERT INTO fact_about (fact_id, actor_id) VALUES (?, ?)"
    insert_annotation = ("INSERT INTO annotations (fact_id, kind, body, tag, confidence, status, superseded_by, "
                         "author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    t_gen = t_facts = t_rest = 0.0
    done = about_count = annotation_count = 0
    t1 = time.perf_counter()
    last_report = t1
    it = iter(batches)
    while True:
        a = time.perf_counter()
        batch = next(it, None)
        b = time.perf_counter()
        t_gen += b - a
        if batch is None:
            break
        conn.executemany(insert_fact, batch.rows)
        c = time.perf_counter()
        t_facts += c - b
        conn.executemany(insert_about, batch.about)
        conn.executemany(insert_annotation, batch.annotations)
        t_rest += time.perf_counter() - c
        done += len(batch.rows)
        about_count += len(batch.about)
        annotation_count += len(batch.annotations)
        now = time.perf_counter()
        if not quiet and now - last_report > 10:
            last_report = now
            print(f"  {done:,} facts, {now - t1:.1f} s, {done / (now - t1):,.0f} facts/s", file=sys.stderr, flush=True)
    timings["waiting for generated batches"] = t_gen
    timings["insert facts"] = t_facts
    timings["insert fact_about+annotations"] = t_rest
    t2 = time.perf_counter()
    conn.execute("COMMIT")
    timings["commit"] = time.perf_counter() - t2
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    assert mode == "wal", mode
    counts = {name: conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
              for name in ("actors", "aliases", "sources", "facts", "fact_about", "annotations", "fact_tags",
                           "fact_history")}
    counts["subjects"] = len(world.subjects)
    kinds = dict(conn.execute("SELECT kind, count(*) FROM annotations GROUP BY kind ORDER BY kind").fetchall())
    conn.close()
    return {"timings": timings, "counts": counts, "annotation kinds": kinds}


# --- writing JSONL for `facts import` ----------------------------------------------------------------------

class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Safe YAML, with multi-line source texts written as literal blocks."""


def _str_representer(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def _number(v):
    return int(v) if v is not None and float(v).is_integer() and abs(v) < 2 ** 53 else v


def write_jsonl(world: World, batches, path: Path, quiet: bool) -> dict:
    from facts.numbers import parse_quantity

    timings = {}
    t0 = time.perf_counter()
    setup = Path(f"{path}.setup.yaml")
    actors = []
    for a in world.actors:
        item = {"name": a["name"], "kind": a["kind"]}
        if len(a["aliases"]) > 1:
            item["aliases"] = a["aliases"][1:]
        if a["description"]:
            item["description"] = a["description"]
        actors.append(item)
    sources = []
    for s in world.sources:
        sources.append({k: s[k] for k in ("key", "title", "publisher", "author", "url", "published", "retrieved",
                                          "reliability", "description", "text") if s[k] is not None})
    with open(setup, "w", encoding="utf-8") as f:
        f.write("# Actors and sources for the facts in " + path.name + " (bench/generate.py)\n")
        yaml.dump({"actors": actors, "sources": sources}, f, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                  width=100)
    timings["setup.yaml"] = time.perf_counter() - t0
    names = [a["name"] for a in world.actors]
    keys = [s["key"] for s in world.sources]
    t1 = time.perf_counter()
    done = 0
    last_report = t1
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    with open(path, "w", encoding="utf-8") as f:
        for batch in batches:
            lines = []
            for row, (spelling, date_text, about, tags, note, word, qtext) in zip(batch.rows, batch.extras):
                fact = {"claim": row[1], "subject": row[2]}
                qualifier = row[7]
                if qualifier is not None:
                    quantity = None
                    if qtext is not None:
                        p = parse_quantity(qtext)
                        if (not p.rest and p.qualifier == qualifier
                                and (p.value, p.low, p.high) == (row[3], row[4], row[5])):
                            quantity = qtext
                    if quantity is None:
                        quantity = {"value": _number(row[3]), "low": _number(row[4]), "high": _number(row[5]),
                                    "qualifier": qualifier}
                        if row[8] is not None:
                            quantity["as_stated"] = row[8]
                        quantity = {k: v for k, v in quantity.items() if v is not None}
                    fact["quantity"] = quantity
                    fact["unit"] = row[6]
                fact["date"] = date_text
                if row[12] is not None:
                    fact["stated_on"] = row[12]
                fact["actor"] = spelling
                if about:
                    fact["about"] = [names[i - 1] for i in about]
                fact["source"] = keys[row[14] - 1]
                if row[15] is not None:
                    fact["quote"] = row[15]
                    fact["quote_start"] = row[16]
                fact["confidence"] = word or row[20]
                if row[21] is not None:
                    fact["credibility"] = row[21]
                if tags:
                    fact["tags"] = list(tags)
                if row[22] != "active":
                    fact["status"] = row[22]
                    fact["status_reason"] = row[23]
                if row[24] is not None:
                    fact["superseded_by"] = row[24]
                if note:
                    fact["note"] = note
                lines.append(dumps(fact))
            lines.append("")
            f.write("\n".join(lines))
            done += len(batch.rows)
            now = time.perf_counter()
            if not quiet and now - last_report > 10:
                last_report = now
                print(f"  {done:,} facts, {now - t1:.1f} s", file=sys.stderr, flush=True)
    timings["facts.jsonl"] = time.perf_counter() - t1
    return {"timings": timings, "counts": {"actors": len(actors), "sources": len(sources), "facts": done,
                                           "subjects": len(world.subjects)}, "setup": setup}


# --- checking what was made ----------------------------------------------------------------------------

def check_db(path: Path, sample: int, seed: int) -> list[str]:
    """integrity_check, the FTS index's own check, and a sample read back through FactIn."""
    from facts.dates import span_text
    from facts.db import open_db
    from facts.models import FactIn
    from facts.writing import Resolver, validate_fact

    problems = []
    db = open_db(path)
    conn = db.conn
    t = time.perf_counter()
    result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    print(f"check: PRAGMA integrity_check: {', '.join(result)} ({time.perf_counter() - t:.1f} s)")
    if result != ["ok"]:
        problems.append(f"integrity_check: {result[:5]}")
    # For an external-content FTS5 table, plain 'integrity-check' only checks the index's own
    # structure; with rank 1 it also compares the index with the facts table.
    for sql, what in (("INSERT INTO facts_fts(facts_fts) VALUES('integrity-check')", "the index itself"),
                      ("INSERT INTO facts_fts(facts_fts, rank) VALUES('integrity-check', 1)", "against facts")):
        t = time.perf_counter()
        try:
            conn.execute(sql)
            print(f"check: facts_fts integrity-check ({what}): ok ({time.perf_counter() - t:.1f} s)")
        except Exception as e:
            problems.append(f"facts_fts integrity-check ({what}): {e}")
    t = time.perf_counter()
    top = conn.execute("SELECT max(id) FROM facts").fetchone()[0] or 0
    ids = sorted(random.Random(seed).sample(range(1, top + 1), min(sample, top)))
    resolver = Resolver(db)
    cursor = conn.execute(f"SELECT * FROM facts_flat WHERE id IN ({', '.join('?' * len(ids))})", ids)
    names = [c[0] for c in cursor.description]
    checked = 0
    for values in cursor:
        row = dict(zip(names, values))
        data = {"claim": row["claim"], "subject": row["subject"], "unit": row["unit"],
                "date": span_text(row["date_start"], row["date_end"], row["date_precision"]),
                "stated_on": row["stated_on"], "actor": row["claimant"],
                "about": row["about"].split("; ") if row["about"] else [], "source": row["source"],
                "quote": row["quote"], "quote_start": row["quote_start"], "confidence": row["confidence"],
                "credibility": row["credibility"], "status": row["status"], "status_reason": row["status_reason"],
                "superseded_by": row["superseded_by"], "tags": row["tags"].split("; ") if row["tags"] else []}
        if row["qualifier"] is not None:
            data["quantity"] = {k: row[k] for k in ("value", "low", "high", "qualifier", "as_stated")}
        data = {k: v for k, v in data.items() if v is not None}
        try:
            FactIn.model_validate(data)
            prepared = validate_fact(data, resolver).row
        except Exception as e:
            problems.append(f"fact #{row['id']}: {e}")
            continue
        stored = conn.execute(f"SELECT {', '.join(prepared)} FROM facts WHERE id = ?", [row["id"]]).fetchone()
        differ = [c for c, v in zip(prepared, stored) if prepared[c] != v]
        if differ:
            problems.append(f"fact #{row['id']}: read back with different {', '.join(differ)}")
        checked += 1
    print(f"check: {checked} of {len(ids)} sampled facts from facts_flat validate through FactIn and resolve "
          f"to the stored row ({time.perf_counter() - t:.1f} s)")
    conn.close()
    return problems


def check_jsonl(path: Path, sample: int, seed: int) -> list[str]:
    from facts.models import FactIn

    problems = []
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    picks = sorted(random.Random(seed).sample(range(len(lines)), min(sample, len(lines))))
    for i in picks:
        try:
            FactIn.model_validate(json.loads(lines[i]))
        except Exception as e:
            problems.append(f"{path}:{i + 1}: {e}")
    print(f"check: {len(picks) - len(problems)} of {len(picks)} sampled lines validate through FactIn")
    return problems


# --- command line ------------------------------------------------------------------------------------------

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def size_text(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="See bench/README.md.")
    parser.add_argument("--facts", type=int, required=True, help="how many facts (N)")
    parser.add_argument("--out", type=Path, required=True, help="the database (or JSONL file) to write")
    parser.add_argument("--format", choices=["db", "jsonl"], default="db",
                        help="db: a facts database (default); jsonl: facts for `facts import`, plus OUT.setup.yaml")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1): same seed, same facts")
    parser.add_argument("--actors", type=int, default=300, help="how many actors (default 300)")
    parser.add_argument("--subjects", type=int, help="how many subjects (default N/100, 50..4000)")
    parser.add_argument("--sources", type=int, help="how many sources (default N/100, 50..5000)")
    parser.add_argument("--batch", type=int, default=10_000, help="facts per executemany batch (default 10000)")
    parser.add_argument("--cache-mb", type=int, default=256, help="SQLite page cache while loading (default 256)")
    parser.add_argument("--serial", action="store_true",
                        help="make and write facts in one process (default: a forked child makes the next batches)")
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--check", action="store_true",
                        help="afterwards: integrity_check, FTS integrity-checks, 200 facts back through FactIn")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    if args.facts < 0:
        parser.error("--facts must be 0 or more")
    n = args.facts
    n_subjects = args.subjects or min(max(n // 100, 50), 4000)
    n_sources = args.sources or min(max(n // 100, 50), 5000)
    if args.actors < len(STATES) + 5:
        parser.error(f"--actors must be at least {len(STATES) + 5} (the states come first)")
    out: Path = args.out
    companions = [out, Path(f"{out}-wal"), Path(f"{out}-shm"), Path(f"{out}-journal")]
    if args.format == "jsonl":
        companions = [out, Path(f"{out}.setup.yaml")]
    existing = [p for p in companions if p.exists()]
    if existing:
        if not args.force:
            parser.error(f"{existing[0]} exists (use --force to replace it)")
        for p in existing:
            p.unlink()
    if not out.parent.exists():
        parser.error(f"folder {out.parent} does not exist")

    started = time.perf_counter()
    rng = random.Random(args.seed)
    world = World(rng, args.actors, n_subjects, n_sources)
    world_time = time.perf_counter() - started
    batches = generate_facts(world, rng, n, args.batch)
    if not args.serial:
        batches = ahead(batches)
    try:
        if args.format == "db":
            report = write_db(world, batches, out, n, args.cache_mb, args.quiet)
        else:
            report = write_jsonl(world, batches, out, args.quiet)
    except BaseException:
        for p in companions:  # half a database is worse than none
            if p.exists():
                p.unlink()
        raise
    total = time.perf_counter() - started

    c = report["counts"]
    aliases = sum(len(a["aliases"]) for a in world.actors)
    print(f"Wrote {out} ({args.format}, seed {args.seed}): {c['facts']:,} facts on {c['subjects']:,} subjects, "
          f"{c['actors']:,} actors ({aliases:,} names and aliases), {c['sources']:,} sources")
    if args.format == "db":
        kinds = ", ".join(f"{v:,} {k}" for k, v in report["annotation kinds"].items())
        print(f"  fact_about {c['fact_about']:,}; annotations {c['annotations']:,} ({kinds}); "
              f"fact_tags {c['fact_tags']:,}; fact_history {c['fact_history']:,}")
    timings = {"world (actors, subjects, source texts)": world_time, **report["timings"]}
    print("  time: " + "; ".join(f"{k} {v:.1f} s" for k, v in timings.items()) + f"; total {total:.1f} s "
          f"({c['facts'] / total:,.0f} facts/s)")
    sizes = [p for p in companions if p.exists()]
    print("  size: " + "; ".join(f"{p.name} {size_text(p.stat().st_size)}" for p in sizes)
          + f"; peak memory (max RSS) {peak_rss_mb():,.0f} MB"
          + (f", generator child {child_rss_mb():,.0f} MB" if child_rss_mb() else ""))
    if args.check:
        problems = check_db(out, 200, args.seed) if args.format == "db" else check_jsonl(out, 200, args.seed)
        for p in problems[:50]:
            print(f"check: PROBLEM {p}")
        if problems:
            print(f"check: {len(problems)} problems")
            return 1
        print("check: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
