"""Belarusian surnames with their Russian form and the passport-style Latin spelling.

Source: general knowledge of the two languages (the usual correspondences: akanne а↔о, я↔е,
і↔и, ў↔в, э↔е, ‑скі↔‑ский, ‑цкі↔‑цкий, ‑віч↔‑вич, ‑ка↔‑ко, ‑аў↔‑ов, цеканне/дзеканне) and the
surnames common in Belarus and in its public life. Nothing is copied from a restricted list.

The list is a test bed for the matching rules (the benchmark's Belarusian↔Russian↔Latin set)
and a source of known surname forms; matching itself does not need a surname to be listed.
One line per surname: ``belarusian|russian|passport latin`` (masculine or feminine as used).
"""

from __future__ import annotations

SURNAMES = """
Бяляцкі|Беляцкий|Bialiatski
Ціханоўская|Тихановская|Tsikhanouskaya
Ціханоўскі|Тихановский|Tsikhanouski
Калеснікава|Колесникова|Kalesnikava
Лукашэнка|Лукашенко|Lukashenka
Статкевіч|Статкевич|Statkevich
Бабарыка|Бабарико|Babaryka
Мацкевіч|Мацкевич|Matskevich
Знак|Знак|Znak
Лосік|Лосик|Losik
Пратасевіч|Протасевич|Pratasevich
Латушка|Латушко|Latushka
Цапкала|Цепкало|Tsapkala
Някляеў|Некляев|Niakliayeu
Шушкевіч|Шушкевич|Shushkevich
Караткевіч|Короткевич|Karatkevich
Быкаў|Быков|Bykau
Багдановіч|Богданович|Bahdanovich
Гарбуноў|Горбунов|Harbunou
Кавалёў|Ковалёв|Kavaliou
Казлоў|Козлов|Kazlou
Навумчык|Наумчик|Navumchyk
Сямёнава|Семёнова|Siamionava
Кавальчук|Ковальчук|Kavalchuk
Жукоўскі|Жуковский|Zhukouski
Шарэцкі|Шарецкий|Sharetski
Дубовік|Дубовик|Dubovik
Мельнікаў|Мельников|Melnikau
Навіцкі|Новицкий|Navitski
Пятровіч|Петрович|Piatrovich
Васілеўскі|Василевский|Vasileuski
Іваноў|Иванов|Ivanou
Іванова|Иванова|Ivanova
Пятрова|Петрова|Piatrova
Сідарэнка|Сидоренко|Sidarenka
Ткачэнка|Ткаченко|Tkachenka
Кавалёва|Ковалёва|Kavaliova
Навумаў|Наумов|Navumau
Ярашэвіч|Ярошевич|Yarashevich
Грыгор'еў|Григорьев|Hryharyeu
Аляксандрава|Александрова|Aliaksandrava
Максімаў|Максимов|Maksimau
Міхалевіч|Михалевич|Mikhalevich
Шапавалаў|Шаповалов|Shapavalau
Сяргееў|Сергеев|Siarheyeu
Данілаў|Данилов|Danilau
Волкаў|Волков|Volkau
Саколаў|Соколов|Sakalou
Лебедзеў|Лебедев|Lebedzeu
Марозаў|Морозов|Marozau
Новікаў|Новиков|Novikau
Пашкевіч|Пашкевич|Pashkevich
Ермаловіч|Ермолович|Yermalovich
Грыбоўскі|Грибовский|Hrybouski
Ракавец|Раковец|Rakavets
Дашкевіч|Дашкевич|Dashkevich
Севярынец|Северинец|Sieviarynets
Лябедзька|Лебедько|Liabiedzka
Какуніна|Какунина|Kakunina
Ляўковіч|Левкович|Liaukovich
Ганчарэнка|Гончаренко|Hancharenka
Ганчар|Гончар|Hanchar
Кузняцоў|Кузнецов|Kuzniatsou
Кузняцова|Кузнецова|Kuzniatsova
Паўлоўскі|Павловский|Paulouski
Кашэвіч|Кашевич|Kashevich
Андрэева|Андреева|Andreyeva
Гайдукевіч|Гайдукевич|Haidukevich
Лаўрэнчук|Лавренчук|Laurenchuk
Кірэенка|Киреенко|Kireyenka
Шаўчэнка|Шевченко|Shauchenka
Бандарэнка|Бондаренко|Bandarenka
Семашка|Семашко|Siamashka
Цімашэнка|Тимошенко|Tsimashenka
Жданок|Жданок|Zhdanok
Ждановіч|Жданович|Zhdanovich
Зянковіч|Зенькович|Ziankovich
Дзядок|Дедок|Dziadok
Дзмітрыеў|Дмитриев|Dzmitryieu
Дзяменцьеў|Дементьев|Dziamentsyeu
Цыхан|Цыган|Tsykhan
Мароз|Мороз|Maroz
Ляшчэня|Лещеня|Liashchenia
Чарнышоў|Чернышёв|Charnyshou
Палевікова|Полевикова|Palevikova
Казак|Козак|Kazak
Хоміч|Хомич|Khomich
Руднік|Рудник|Rudnik
Шклярава|Шклярова|Shkliarava
Вараб'ёў|Воробьёв|Varabyou
Салаўёў|Соловьёв|Salauyou
Сарокін|Сорокин|Sarokin
Ракіцкі|Ракитский|Rakitski
Шыманскі|Шиманский|Shymanski
Вінаградава|Виноградова|Vinahradava
Галубовіч|Голубович|Halubovich
Фёдараў|Фёдоров|Fiodarau
Пракапенка|Прокопенко|Prakapenka
Мацюшэнка|Матюшенко|Matsiushenka
Юрчанка|Юрченко|Yurchanka
Хадасевіч|Ходасевич|Khadasevich
Палуян|Полуян|Paluyan
Урбановіч|Урбанович|Urbanovich
Белавусаў|Белоусов|Belavusau
Лысюк|Лысюк|Lysiuk
Ігнатовіч|Игнатович|Ihnatovich
Антановіч|Антонович|Antanovich
Талстыка|Толстико|Talstyka
Яфімовіч|Ефимович|Yafimovich
Рабаў|Робов|Rabau
Завадскі|Завадский|Zavadski
Гарадзецкі|Городецкий|Haradzetski
Паўлюкевіч|Павлюкевич|Pauliukevich
Сцяпанава|Степанова|Stsiapanava
Цыбульская|Цыбульская|Tsybulskaya
Кулеш|Кулеш|Kulesh
Марчанка|Марченко|Marchanka
Каваленка|Коваленко|Kavalenka
Асіпенка|Осипенко|Asipenka
Аўсяннікаў|Овсянников|Ausiannikau
"""
