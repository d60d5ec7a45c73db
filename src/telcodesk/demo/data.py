"""Geography of the demo operator: five city branches of a Shanxi provincial company.

Counties carry their real administrative division code (the first six digits of a
resident ID issued there), an urban/rural tag, a relative population weight
(roughly ten-thousands of residents), street and town names for addresses, and the
names of their outlets (营业厅). Names are real places; street lists are
plausible rather than complete.
"""

from __future__ import annotations

from dataclasses import dataclass

URBAN = "urban"
RURAL = "rural"


@dataclass(frozen=True)
class County:
    code: str  # short code, prefixed with the city code: "xd" → "ty-xd"
    name: str
    name_en: str
    area: str  # URBAN or RURAL
    division: str  # administrative division code (GB/T 2260)
    weight: int  # relative share of the city's subscribers
    streets: tuple[str, ...]
    outlets: tuple[str, ...]  # 1–3 outlet names
    towns: tuple[str, ...] = ()  # rural counties: towns for village addresses


@dataclass(frozen=True)
class City:
    code: str
    name: str  # "太原"
    name_en: str
    area_code: str  # long-distance code without the trunk 0: "351"
    counties: tuple[County, ...]

    @property
    def branch_name(self) -> str:
        return f"{self.name}分公司"


OPERATOR = ("op", "演示电信", "Demo Telecom")
PROVINCE = ("sx", "山西省分公司", "Shanxi provincial branch")

CITIES: tuple[City, ...] = (
    City("ty", "太原", "Taiyuan", "351", (
        County("xd", "小店区", "Xiaodian District", URBAN, "140105", 127,
               ("亲贤北街", "长风街", "平阳路", "学府街", "体育路", "坞城路", "许坦东街"),
               ("亲贤营业厅", "长风街营业厅", "学府街营业厅")),
        County("yz", "迎泽区", "Yingze District", URBAN, "140106", 65,
               ("迎泽大街", "柳巷", "桥东街", "并州北路", "双塔西街", "建设南路"),
               ("迎泽大街营业厅", "柳巷营业厅")),
        County("xhl", "杏花岭区", "Xinghualing District", URBAN, "140107", 70,
               ("府东街", "解放路", "胜利街", "敦化北路", "新建路", "五一路"),
               ("府东街营业厅", "胜利街营业厅")),
        County("wbl", "万柏林区", "Wanbailin District", URBAN, "140109", 80,
               ("千峰南路", "和平北路", "兴华街", "长风西街", "下元街", "漪汾街"),
               ("千峰营业厅", "兴华街营业厅", "下元营业厅")),
        County("jcp", "尖草坪区", "Jiancaoping District", URBAN, "140108", 50,
               ("胜利北街", "解放北路", "新兰路", "迎新街", "兴华北街"),
               ("尖草坪营业厅",)),
        County("jy", "晋源区", "Jinyuan District", URBAN, "140110", 30,
               ("晋祠路", "新晋祠路", "金胜路", "晋阳街"),
               ("晋祠路营业厅",)),
        County("qx", "清徐县", "Qingxu County", RURAL, "140121", 34,
               ("东湖路", "迎宾路", "文源路", "贾兴路"),
               ("清源营业厅", "徐沟营业厅"),
               ("清源镇", "徐沟镇", "东于镇", "孟封镇")),
        County("yq", "阳曲县", "Yangqu County", RURAL, "140122", 13,
               ("文化街", "迎宾街", "阳兴大街"),
               ("黄寨营业厅",),
               ("黄寨镇", "大盂镇", "东黄水镇")),
        County("lf", "娄烦县", "Loufan County", RURAL, "140123", 10,
               ("城北街", "府前街", "汾河路"),
               ("娄烦营业厅",),
               ("娄烦镇", "静游镇", "杜交曲镇")),
        County("gj", "古交市", "Gujiao", RURAL, "140181", 20,
               ("大川路", "东大街", "新华街", "屯兰街"),
               ("古交营业厅", "河口营业厅"),
               ("河口镇", "镇城底镇", "马兰镇")),
    )),
    City("dt", "大同", "Datong", "352", (
        County("pc", "平城区", "Pingcheng District", URBAN, "140213", 110,
               ("魏都大道", "御河西路", "迎宾街", "永泰南路", "大西街", "鼓楼东街"),
               ("魏都大道营业厅", "迎宾街营业厅", "鼓楼营业厅")),
        County("yg", "云冈区", "Yungang District", URBAN, "140214", 60,
               ("云冈大道", "新胜街", "恒安街", "口泉路"),
               ("新平旺营业厅", "口泉营业厅")),
        County("yzh", "云州区", "Yunzhou District", RURAL, "140215", 15,
               ("振华街", "府前街", "东环路"),
               ("西坪营业厅",),
               ("西坪镇", "倍加造镇", "峰峪乡")),
        County("ygx", "阳高县", "Yanggao County", RURAL, "140221", 25,
               ("府前街", "解放街", "龙泉路"),
               ("龙泉营业厅",),
               ("龙泉镇", "罗文皂镇", "王官屯镇")),
        County("tz", "天镇县", "Tianzhen County", RURAL, "140222", 20,
               ("解放街", "玉泉路", "新平街"),
               ("玉泉营业厅",),
               ("玉泉镇", "谷前堡镇", "米薪关镇")),
        County("lq", "灵丘县", "Lingqiu County", RURAL, "140224", 22,
               ("府前街", "平型关路", "武灵大街"),
               ("武灵营业厅",),
               ("武灵镇", "东河南镇", "落水河乡")),
        County("hy", "浑源县", "Hunyuan County", RURAL, "140225", 33,
               ("恒山路", "永安路", "府西街"),
               ("永安营业厅", "西坊城营业厅"),
               ("永安镇", "西坊城镇", "沙圪坨镇")),
    )),
    City("yc", "运城", "Yuncheng", "359", (
        County("yh", "盐湖区", "Yanhu District", URBAN, "140802", 70,
               ("河东街", "人民路", "红旗街", "解放路", "中银大道", "禹都大道"),
               ("河东街营业厅", "人民路营业厅", "禹都营业厅")),
        County("yj", "永济市", "Yongji", RURAL, "140881", 40,
               ("舜都大道", "电机大街", "银杏街"),
               ("舜都营业厅", "蒲州营业厅"),
               ("蒲州镇", "开张镇", "卿头镇")),
        County("hj", "河津市", "Hejin", RURAL, "140882", 40,
               ("龙门大道", "府前街", "新耿大街"),
               ("龙门大道营业厅",),
               ("樊村镇", "僧楼镇", "柴家镇")),
        County("ly", "临猗县", "Linyi County", RURAL, "140821", 50,
               ("猗顿大街", "双塔路", "解放路"),
               ("猗氏营业厅", "临晋营业厅"),
               ("猗氏镇", "嵋阳镇", "临晋镇")),
        County("wr", "万荣县", "Wanrong County", RURAL, "140822", 40,
               ("飞云街", "解放路", "后土路"),
               ("解店营业厅",),
               ("解店镇", "荣河镇", "汉薛镇")),
        County("rc", "芮城县", "Ruicheng County", RURAL, "140830", 38,
               ("永乐南街", "古魏大道", "学苑路"),
               ("古魏营业厅",),
               ("古魏镇", "风陵渡镇", "永乐镇")),
        County("wx", "闻喜县", "Wenxi County", RURAL, "140823", 38,
               ("涑水街", "桐城路", "东官道"),
               ("桐城营业厅",),
               ("桐城镇", "东镇镇", "礼元镇")),
    )),
    City("jz", "晋中", "Jinzhong", "354", (
        County("yc", "榆次区", "Yuci District", URBAN, "140702", 80,
               ("顺城街", "汇通路", "迎宾街", "安宁街", "蕴华街", "中都路"),
               ("顺城街营业厅", "汇通路营业厅", "大学城营业厅")),
        County("tg", "太谷区", "Taigu District", URBAN, "140703", 30,
               ("龙山路", "朝阳街", "新建路", "中山街"),
               ("太谷营业厅",)),
        County("py", "平遥县", "Pingyao County", RURAL, "140728", 45,
               ("顺城路", "中都路", "南大街"),
               ("古城营业厅", "洪善营业厅"),
               ("古陶镇", "洪善镇", "段村镇")),
        County("jx", "介休市", "Jiexiu", RURAL, "140781", 40,
               ("北关街", "新华街", "顺城路"),
               ("介休营业厅", "张兰营业厅"),
               ("义安镇", "张兰镇", "连福镇")),
        County("qx", "祁县", "Qi County", RURAL, "140727", 25,
               ("新建路", "东大街", "丹枫路"),
               ("昭馀营业厅",),
               ("昭馀镇", "东观镇", "贾令镇")),
        County("sy", "寿阳县", "Shouyang County", RURAL, "140725", 20,
               ("朝阳街", "寿阳大街", "府前街"),
               ("寿阳营业厅",),
               ("朝阳镇", "南燕竹镇", "宗艾镇")),
    )),
    City("cz", "长治", "Changzhi", "355", (
        County("lz", "潞州区", "Luzhou District", URBAN, "140403", 75,
               ("英雄中路", "太行西街", "紫金街", "延安南路", "府后西街", "城西路"),
               ("英雄路营业厅", "太行街营业厅", "紫金街营业厅")),
        County("sd", "上党区", "Shangdang District", URBAN, "140404", 35,
               ("上党大街", "府前街", "荫城路"),
               ("韩店营业厅",)),
        County("tl", "屯留区", "Tunliu District", URBAN, "140405", 25,
               ("麟绛大街", "康庄路", "府前街"),
               ("屯留营业厅",)),
        County("lc", "潞城区", "Lucheng District", URBAN, "140406", 22,
               ("潞华街", "北环路", "府前街"),
               ("潞城营业厅",)),
        County("xy", "襄垣县", "Xiangyuan County", RURAL, "140423", 25,
               ("古韩大街", "府前街", "建设路"),
               ("古韩营业厅",),
               ("古韩镇", "王桥镇", "侯堡镇")),
        County("zz", "长子县", "Zhangzi County", RURAL, "140428", 33,
               ("丹朱大街", "府前街", "文化路"),
               ("丹朱营业厅", "鲍店营业厅"),
               ("丹朱镇", "鲍店镇", "石哲镇")),
        County("wx", "武乡县", "Wuxiang County", RURAL, "140429", 17,
               ("太行街", "府前街", "丰州路"),
               ("丰州营业厅",),
               ("丰州镇", "洪水镇", "蟠龙镇")),
    )),
)

# Village names for rural addresses ("王家庄村18号").
VILLAGES: tuple[str, ...] = (
    "东关", "西关", "南庄", "北庄", "王家庄", "李家庄", "张家堡", "赵村", "刘家沟", "前营",
    "后营", "上庄", "下庄", "新庄", "东堡", "西堡", "马家沟", "杨家峪", "郭家庄", "韩村",
    "白家庄", "高家堡", "武家沟", "郝庄", "贾村", "闫家庄", "梁村", "南关", "北关", "石桥",
)

# Residential compounds for urban addresses.
COMPOUNDS: tuple[str, ...] = (
    "阳光", "锦绣", "和平", "幸福", "龙城", "汾河", "丽华", "康馨", "翠苑", "金地",
    "御景", "华府", "新城", "春晓", "文苑", "晋阳", "颐和", "滨河", "世纪", "恒大",
)
