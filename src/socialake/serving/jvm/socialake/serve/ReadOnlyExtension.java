package socialake.serve;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.execution.command.SetCommand;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.catalyst.analysis.AnalysisContext;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * A Spark SQL extension (spark.sql.extensions=socialake.serve.ReadOnlyExtension) that makes a
 * session read-only for SQL clients: after analysis, any command that is not on the allow-list
 * below (queries, SET, USE, SHOW, DESCRIBE, EXPLAIN) is refused with an error naming what was
 * refused, before it runs. So are reads of storage outside the served views (parquet.`/any/file`,
 * delta.`/any/path`: a client sees the gold and ops views only, never bronze, silver or secrets
 * on the server's disk) and the functions that call arbitrary Java methods (reflect,
 * java_method). Session settings are guarded too: SET only of the few query settings in
 * ALLOWED_SETTINGS (a bare SET, which lists every setting, is refused), and before any
 * statement is parsed the session's settings must equal the server's except for those (so a
 * setting passed in the JDBC URL or the open-session request, which Spark applies without a
 * statement, cannot register a catalog or change file-system access either).
 * The thread that registers the served tables exempts itself once
 * ({@link #exemptCurrentThread()}); a client's thread never can (no method undoes the check).
 */
public final class ReadOnlyExtension extends AbstractFunction1<SparkSessionExtensions, BoxedUnit> {

  private static final ThreadLocal<Boolean> EXEMPT = ThreadLocal.withInitial(() -> Boolean.FALSE);

  /** Commands a read-only client may run (simple class names of Spark's logical plans). */
  static final Set<String> ALLOWED_COMMANDS = new HashSet<>(Arrays.asList(
      "SetCommand", "ResetCommand", "SetNamespaceCommand", "SetCatalogAndNamespace", "SetCatalogCommand",
      "ShowTables", "ShowTablesCommand", "ShowTableExtended", "ShowTablesExtendedCommand", "ShowViews",
      "ShowViewsCommand", "ShowNamespaces", "ShowNamespacesCommand", "ShowCatalogs", "ShowCatalogsCommand",
      "ShowCurrentNamespace", "ShowCurrentNamespaceCommand", "ShowColumns", "ShowColumnsCommand",
      "ShowFunctions", "ShowFunctionsCommand", "ShowTableProperties", "ShowTablePropertiesCommand",
      "ShowCreateTable", "ShowCreateTableCommand", "ShowPartitions", "ShowPartitionsCommand",
      "DescribeRelation", "DescribeTableCommand", "DescribeColumn", "DescribeColumnCommand",
      "DescribeNamespace", "DescribeDatabaseCommand", "DescribeFunction", "DescribeFunctionCommand",
      "DescribeQueryCommand", "DescribeCommandBase", "ExplainCommand"));

  /** Leaf plans that produce rows without reading storage (a CTE reference's definition is a
   *  child of the query's WithCTE and checked there). */
  static final Set<String> HARMLESS_LEAVES = new HashSet<>(Arrays.asList(
      "LocalRelation", "OneRowRelation", "Range", "EmptyRelation", "CTERelationRef", "CTERelationDef"));

  /** Settings a client may change: how queries run and look, nothing about storage or catalogs. */
  static final Set<String> ALLOWED_SETTINGS = new HashSet<>(Arrays.asList(
      "spark.sql.session.timeZone", "spark.sql.ansi.enabled", "spark.sql.shuffle.partitions",
      "spark.sql.adaptive.enabled", "spark.sql.autoBroadcastJoinThreshold",
      "spark.sql.thriftServer.incrementalCollect", "spark.sql.datetime.java8API.enabled",
      "spark.sql.legacy.timeParserPolicy", "spark.sql.caseSensitive"));

  /** Expressions that call arbitrary static Java methods (reflect, java_method). */
  static final Set<String> REFUSED_EXPRESSIONS = new HashSet<>(Arrays.asList("CallMethodViaReflection"));

  /** The registering thread (socialake serve itself) may create the views and tables it serves. */
  public static void exemptCurrentThread() {
    EXEMPT.set(Boolean.TRUE);
  }

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    extensions.injectParser(new AbstractFunction2<SparkSession, ParserInterface, ParserInterface>() {
      @Override
      public ParserInterface apply(SparkSession session, ParserInterface delegate) {
        return new GuardedParser(session, delegate);
      }
    });
    extensions.injectCheckRule(new AbstractFunction1<SparkSession, Function1<LogicalPlan, BoxedUnit>>() {
      @Override
      public Function1<LogicalPlan, BoxedUnit> apply(SparkSession session) {
        return new Check();
      }
    });
    return BoxedUnit.UNIT;
  }

  /** The name of what `plan` would do that a read-only session refuses, or null. */
  public static String refusal(LogicalPlan plan) {
    String caller = sparkCaller();
    // Delta Lake reading its own transaction log for the query being analysed, or a served
    // view's body: storage reads are allowed there, commands and reflection still are not
    return refusal(plan, caller.equals("delta") || caller.equals("view")
        || AnalysisContext.get().nestedViewDepth() > 0);
  }

  /** The settings of a new session of the server, before any client touched one. */
  private static volatile Map<String, String> baseline = null;

  /** Record what a client's session must hold: the settings of `fresh`, a new session. */
  public static void recordBaseline(SparkSession fresh) {
    baseline = new java.util.HashMap<>(CollectionConverters.asJava(fresh.conf().getAll()));
  }

  /** The setting a session holds that a read-only client may not change, or null. Fails
   *  closed: with no baseline recorded every session is refused. */
  static String changedSetting(SparkSession session) {
    Map<String, String> expected = baseline;
    if (expected == null) {
      return "(all: the server recorded no baseline)";
    }
    Map<String, String> settings = CollectionConverters.asJava(session.conf().getAll());
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      String key = setting.getKey();
      if (guarded(key) && !Objects.equals(expected.get(key), setting.getValue())) {
        return key;
      }
    }
    for (String key : expected.keySet()) {
      if (guarded(key) && !settings.containsKey(key)) {
        return key;
      }
    }
    return null;
  }

  /** Settings that reach storage, catalogs, code or redaction (Spark and Delta adjust others on
   *  their own inside a session, e.g. spark.sql.parquet.fieldId.read.enabled; hive.server2.*
   *  are the running server's own and copied into every session, and beeline sends its fetch
   *  size as one). */
  static boolean guarded(String key) {
    if (ALLOWED_SETTINGS.contains(key)) {
      return false;
    }
    for (String prefix : GUARDED_PREFIXES) {
      if (key.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  static final String[] GUARDED_PREFIXES = {
      "spark.sql.catalog", "spark.sql.defaultCatalog", "spark.hadoop.", "fs.", "mapreduce.",
      "spark.redaction", "spark.sql.redaction", "spark.sql.runSQLOnFiles", "spark.sql.extensions",
      "spark.sql.sources.", "spark.sql.datasource", "spark.sql.files.", "spark.sql.hive.", "spark.sql.warehouse",
      "spark.sql.legacy.", "spark.sql.view", "spark.sql.streaming.", "spark.sql.artifact", "spark.jars",
      "spark.sql.globalTempDatabase", "spark.sql.thriftServer.", "spark.sql.execution.python",
      "spark.sql.execution.arrow", "spark.sql.pyspark", "spark.python", "spark.sql.session.localRelation"};

  /** File formats Spark reads by path in SQL (`parquet.`/path``); no served database has these names. */
  static final Set<String> FILE_FORMATS = new HashSet<>(Arrays.asList(
      "parquet", "json", "csv", "orc", "text", "delta", "avro", "binaryfile", "xml", "jdbc", "libsvm",
      "image", "hive", "noop", "socialake_delta", "org.apache.spark.sql.parquet", "file"));

  /** A storage path named in a parsed (unresolved) statement, or null: checked at parse time,
   *  before analysis lists or reads anything. */
  static String namedPath(org.apache.spark.sql.catalyst.trees.TreeNode<?> node) {
    if (node.getClass().getSimpleName().startsWith("Unresolved")) {
      try {
        Object parts = node.getClass().getMethod("multipartIdentifier").invoke(node);
        java.util.List<?> names = CollectionConverters.asJava((scala.collection.Seq<?>) parts);
        if (names.size() >= 2 && FILE_FORMATS.contains(String.valueOf(names.get(0)).toLowerCase())) {
          return "reading storage by path (" + names.get(0) + ".`...`)";
        }
      } catch (ReflectiveOperationException | ClassCastException e) {
        // a node without a multipart name (an unresolved attribute or function)
      }
    }
    if (node instanceof LogicalPlan) {
      for (Expression expression : CollectionConverters.asJava(((LogicalPlan) node).expressions())) {
        String found = namedPath(expression);
        if (found != null) {
          return found;
        }
      }
    }
    if (node instanceof SubqueryExpression) {
      String found = namedPath(((SubqueryExpression) node).plan());
      if (found != null) {
        return found;
      }
    }
    for (Object child : CollectionConverters.asJava(node.children())) {
      String found = namedPath((org.apache.spark.sql.catalyst.trees.TreeNode<?>) child);
      if (found != null) {
        return found;
      }
    }
    for (Object inner : CollectionConverters.asJava(node.innerChildren())) {
      if (inner instanceof org.apache.spark.sql.catalyst.trees.TreeNode) {
        String found = namedPath((org.apache.spark.sql.catalyst.trees.TreeNode<?>) inner);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** Whether this parse is of a served view's text (parsed while the view is resolved). */
  private static boolean parsingAViewText() {
    return StackWalker.getInstance().walk(frames -> frames.anyMatch(frame ->
        frame.getClassName().startsWith("org.apache.spark.sql.catalyst.catalog.SessionCatalog")
        || frame.getClassName().startsWith("org.apache.spark.sql.catalyst.analysis.ViewResolution")
        || frame.getClassName().startsWith("org.apache.spark.sql.delta.")));
  }

  static String settingRefusal(SetCommand set) {
    Option<Tuple2<String, Option<String>>> kv = set.kv();
    if (kv.isEmpty()) {
      return "SET without a key (it lists every setting)";
    }
    String key = kv.get()._1().trim();
    return ALLOWED_SETTINGS.contains(key) ? null : "SET " + key;
  }

  /**
   * Who asked for this check, from the call stack: "view" when Spark checks a view's body on its
   * own while resolving the view (ViewResolution.resolve runs checkAnalysis on it outside the
   * view's analysis context; clients cannot create views, so every view resolved is a served
   * one), "delta" when Delta Lake analyses its internal query over a table's log (the client's
   * own statement is checked again afterwards, outside Delta's frames), else "client".
   */
  private static String sparkCaller() {
    return StackWalker.getInstance().walk(frames -> frames
        .map(frame -> frame.getClassName())
        .filter(name -> name.startsWith("org.apache.spark.sql.catalyst.analysis.ViewResolution")
            || name.startsWith("org.apache.spark.sql.delta."))
        .findFirst()
        .map(name -> name.startsWith("org.apache.spark.sql.delta.") ? "delta" : "view")
        .orElse("client"));
  }

  /** inView: the plan is (inside) the body of a served view, checked while the view resolves. */
  static String refusal(LogicalPlan plan, boolean inView) {
    String name = plan.getClass().getSimpleName();
    if (name.equals("View")) {
      inView = true;   // a served view: created by socialake serve, the only place storage is read
    }
    if (!inView && (name.contains("Relation") || name.equals("LogicalRDD")) && !HARMLESS_LEAVES.contains(name)) {
      return "reading storage outside the gold and ops views (" + name + ")";
    }
    if (plan instanceof SetCommand) {
      return settingRefusal((SetCommand) plan);
    }
    if (plan instanceof Command && !ALLOWED_COMMANDS.contains(name)) {
      return name;
    }
    if (name.startsWith("InsertInto") || name.contains("Write") || name.startsWith("Merge")
        || name.startsWith("Update") || name.startsWith("Delete") || name.startsWith("Create")
        || name.startsWith("Drop") || name.startsWith("Alter") || name.startsWith("Truncate")
        || name.startsWith("Replace") || name.contains("Cache")) {
      return name;
    }
    for (Expression expression : CollectionConverters.asJava(plan.expressions())) {
      String refused = refusal(expression, inView);
      if (refused != null) {
        return refused;
      }
    }
    for (LogicalPlan child : CollectionConverters.asJava(plan.children())) {
      String refused = refusal(child, inView);
      if (refused != null) {
        return refused;
      }
    }
    return null;
  }

  private static String refusal(Expression expression, boolean inView) {
    if (REFUSED_EXPRESSIONS.contains(expression.getClass().getSimpleName())) {
      return "the reflect/java_method function";
    }
    if (expression instanceof SubqueryExpression) {
      String refused = refusal(((SubqueryExpression) expression).plan(), inView);
      if (refused != null) {
        return refused;
      }
    }
    for (Expression child : CollectionConverters.asJava(expression.children())) {
      String refused = refusal(child, inView);
      if (refused != null) {
        return refused;
      }
    }
    return null;
  }

  static SecurityException refused(String what) {
    return new SecurityException("socialake serve is read-only: " + what
        + " is refused (gold and ops are written by the socialake jobs, never over SQL)");
  }

  static final class Check extends AbstractFunction1<LogicalPlan, BoxedUnit> {
    @Override
    public BoxedUnit apply(LogicalPlan plan) {
      if (!EXEMPT.get()) {
        String refused = refusal(plan);
        if (refused != null) {
          throw refused(refused);
        }
      }
      return BoxedUnit.UNIT;
    }
  }

  /** Spark's parser, after checking the session's settings (before analysis touches anything). */
  static final class GuardedParser implements ParserInterface {
    private final SparkSession session;
    private final ParserInterface delegate;

    GuardedParser(SparkSession session, ParserInterface delegate) {
      this.session = session;
      this.delegate = delegate;
    }

    private void guard() {
      if (!EXEMPT.get()) {
        String key = changedSetting(session);
        if (key != null) {
          throw refused("the session setting " + key);
        }
      }
    }

    private LogicalPlan checked(LogicalPlan plan) {
      if (!EXEMPT.get() && !parsingAViewText()) {
        String path = namedPath(plan);
        if (path != null) {
          throw refused(path);
        }
      }
      return plan;
    }

    @Override
    public LogicalPlan parsePlan(String sqlText) throws ParseException {
      guard();
      return checked(delegate.parsePlan(sqlText));
    }

    @Override
    public LogicalPlan parsePlanWithParameters(String sqlText,
        org.apache.spark.sql.catalyst.parser.ParameterContext parameters) throws ParseException {
      guard();
      return checked(delegate.parsePlanWithParameters(sqlText, parameters));
    }

    @Override
    public LogicalPlan parseQuery(String sqlText) throws ParseException {
      guard();
      return checked(delegate.parseQuery(sqlText));
    }

    @Override
    public Expression parseExpression(String sqlText) throws ParseException {
      return delegate.parseExpression(sqlText);
    }

    @Override
    public TableIdentifier parseTableIdentifier(String sqlText) throws ParseException {
      return delegate.parseTableIdentifier(sqlText);
    }

    @Override
    public FunctionIdentifier parseFunctionIdentifier(String sqlText) throws ParseException {
      return delegate.parseFunctionIdentifier(sqlText);
    }

    @Override
    public Seq<String> parseMultipartIdentifier(String sqlText) throws ParseException {
      return delegate.parseMultipartIdentifier(sqlText);
    }

    @Override
    public StructType parseRoutineParam(String sqlText) throws ParseException {
      return delegate.parseRoutineParam(sqlText);
    }

    @Override
    public StructType parseTableSchema(String sqlText) throws ParseException {
      return delegate.parseTableSchema(sqlText);
    }

    @Override
    public DataType parseDataType(String sqlText) throws ParseException {
      return delegate.parseDataType(sqlText);
    }
  }
}
